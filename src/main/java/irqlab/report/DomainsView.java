package irqlab.report;

import irqlab.kernel.Kernel;
import irqlab.kernel.domain.IrqDomain;
import irqlab.sim.Machine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The irq domain hierarchy with Linux's names, and the files of /sys/kernel/debug/irq/domains/
 * as 6.12 prints them (kernel/irq/irqdomain.c irq_domain_debug_show_one, with the VECTOR domain's
 * x86_vector_debug_show adding the matrix). Per-device domains carry the bus token suffix there
 * ({@code PCI-MSIX-0000:00:03.0-12}); /proc/interrupts shows the chip name without it.
 */
public final class DomainsView {
  /** The debugfs directory the files live in. */
  public static final String DEBUGFS_DIR = "/sys/kernel/debug/irq/domains/";
  /** irq_default_domain's extra file; on x86 the default domain is VECTOR. */
  public static final String DEFAULT_FILE = "default";

  private DomainsView() {}

  /** {@code show domains}: the tree, then every debugfs domain file under a "==> name <==" banner. */
  public static String render(Machine m) {
    StringBuilder sb = new StringBuilder(tree(m));
    for (Map.Entry<String, String> f : files(m.kernel()).entrySet()) {
      sb.append('\n').append("==> ").append(DEBUGFS_DIR).append(f.getKey()).append(" <==\n");
      sb.append(f.getValue());
    }
    return sb.toString();
  }

  /**
   * The compact tree: one line per domain, children indented under their parent in creation order,
   * with the mapped count, the flags and, for per-device MSI domains, the scenario device.
   */
  public static String tree(Machine m) {
    Kernel k = m.kernel();
    MachineIndex idx = new MachineIndex(m);
    List<IrqDomain> all = k.domains().all();
    int width = 0;
    for (IrqDomain d : all) {
      width = Math.max(width, depth(d) * 4 + d.debugfsName().length());
    }
    StringBuilder sb = new StringBuilder("irq domains (debugfs names), root first:\n");
    for (IrqDomain d : all) {
      if (d.parent() == null) {
        walk(sb, k, idx, all, d, "", "", width);
      }
    }
    return sb.toString();
  }

  private static int depth(IrqDomain d) {
    int n = 0;
    for (IrqDomain p = d.parent(); p != null; p = p.parent()) {
      n++;
    }
    return n;
  }

  private static void walk(StringBuilder sb, Kernel k, MachineIndex idx, List<IrqDomain> all, IrqDomain d,
      String lead, String childLead, int width) {
    String label = lead + d.debugfsName();
    sb.append("  ").append(Fmt.left(label, width + 2))
        .append("mapped ").append(Fmt.right(d.mapped(), 4))
        .append("  flags ").append(Fmt.hex8(d.flags()));
    String role = role(k, idx, d);
    if (!role.isEmpty()) {
      sb.append("  ").append(role);
    }
    sb.append('\n');
    List<IrqDomain> kids = new ArrayList<>();
    for (IrqDomain c : all) {
      if (c.parent() == d) {
        kids.add(c);
      }
    }
    for (int i = 0; i < kids.size(); i++) {
      boolean last = i == kids.size() - 1;
      walk(sb, k, idx, all, kids.get(i), childLead + (last ? "`-- " : "|-- "), childLead + (last ? "    " : "|   "),
          width);
    }
  }

  /**
   * What a domain is in this machine: the x86 vector domain, the remapping unit's domain, its
   * fault interrupt's domain, or a device's per-device MSI domain; "" for anything else.
   */
  public static String role(Kernel k, MachineIndex idx, IrqDomain d) {
    if (d == k.vectorDomain().domain()) {
      return "x86 vector domain, chip APIC, default domain";
    }
    if (k.intelIommu() != null && d == k.intelIommu().irDomain().domain()) {
      return "interrupt remapping (" + k.intelIommu().name() + "), chip INTEL-IR, MSI parent (IR-)";
    }
    if (k.intelIommu() != null && d == k.intelIommu().dmarMsi().domain()) {
      return k.intelIommu().name() + "'s fault interrupt, never remapped";
    }
    if (k.ioApic() != null && d == k.ioApic().domain()) {
      return k.ioApic().chipName() + ", 24 pins: ISA irqs 0-15, PCI GSIs 16-23";
    }
    irqlab.sim.devices.VmdBinding vmd = idx.vmdOf(d);
    if (vmd != null) {
      List<String> kids = new ArrayList<>();
      vmd.children().forEach(c -> kids.add(c.id()));
      return vmd.vmdDriver().vmdName() + "'s " + (d.hasFlag(IrqDomain.FLAG_MSI_PARENT) ? "MSI parent" : "MSI domain")
          + " (" + vmd.id() + ", " + vmd.pci().devName() + "), chip VMD-MSI, for "
          + (kids.isEmpty() ? "no device" : String.join(", ", kids)) + " in PCI domain "
          + Integer.toHexString(vmd.vmdDriver().pciDomain());
    }
    MachineIndex.Owner o = idx.ownerOf(d);
    if (o != null) {
      return o.device() + " (" + o.bdf() + "), MSI domain id " + o.domainId()
          + (o.domainId() == 0 ? " (default)" : " (secondary)");
    }
    return "";
  }

  /**
   * Every file of /sys/kernel/debug/irq/domains/, by name in byte order as {@code ls} lists them:
   * one per live domain plus {@code default}.
   */
  public static Map<String, String> files(Kernel k) {
    Map<String, String> files = new TreeMap<>();
    for (IrqDomain d : k.domains().all()) {
      files.put(d.debugfsName(), domainFile(k, d));
    }
    files.put(DEFAULT_FILE, domainFile(k, k.vectorDomain().domain()));
    return files;
  }

  /** One domain's debugfs file. */
  public static String domainFile(Kernel k, IrqDomain d) {
    StringBuilder sb = new StringBuilder();
    showOne(sb, k, d, 0);
    return sb.toString();
  }

  /** irq_domain_debug_show_one(). */
  static void showOne(StringBuilder sb, Kernel k, IrqDomain d, int ind) {
    sb.append(Fmt.spaces(ind)).append("name:   ").append(d.debugfsName()).append('\n');
    // revmap_size: MSI and VECTOR domains have no linear revmap; INTEL-IR has its table's size.
    sb.append(Fmt.spaces(ind + 1)).append("size:   ").append(Fmt.u32(d.revmapSize())).append('\n');
    sb.append(Fmt.spaces(ind + 1)).append("mapped: ").append(Fmt.u32(d.mapped())).append('\n');
    sb.append(Fmt.spaces(ind + 1)).append("flags:  ").append(Fmt.hex8(d.flags())).append('\n');
    LinuxNames.showBits(sb, ind, d.flags(), LinuxNames.DOMAIN);
    if (d == k.vectorDomain().domain()) {
      sb.append(k.matrix().debugShow(ind + 1));
    }
    if (d.parent() == null) {
      return;
    }
    sb.append(Fmt.spaces(ind + 1)).append("parent: ").append(d.parent().debugfsName()).append('\n');
    showOne(sb, k, d.parent(), ind + 4);
  }
}
