package irqlab.report;

import irqlab.kernel.Kernel;
import irqlab.kernel.irq.IrqChip;
import irqlab.kernel.irq.IrqData;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.msi.MsiDesc;
import irqlab.kernel.x86.ApicChipData;
import irqlab.kernel.x86.VectorDomain;
import irqlab.kernel.x86.VectorMatrix;
import irqlab.sim.Machine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code show irq <name>}: /sys/kernel/debug/irq/irqs/N as Linux 6.12 prints it
 * (kernel/irq/debugfs.c irq_debug_show, with x86_vector_debug_show at the VECTOR level), followed
 * after a blank line by what irqlab knows beyond it: the scenario name, the MSI index, the MSI
 * domain id and the cookie.
 */
public final class IrqDebugView {
  private IrqDebugView() {}

  /**
   * The view of {@code name}: a scenario interrupt name ({@code nic0/msix/3}) or an irq number.
   *
   * @throws IllegalArgumentException for a name that is neither, listing the valid ones
   */
  public static String render(Machine m, String name) {
    IrqDesc d = m.kernel().descs().get(resolve(m, name));
    return debugfsFile(m.kernel(), d) + "\n" + irqlabSection(m, d);
  }

  /** The irq number behind {@code name}, or IllegalArgumentException naming the valid choices. */
  public static int resolve(Machine m, String name) {
    String n = name == null ? "" : name.trim();
    Map<String, Integer> names = m.interruptNames();
    Integer irq = names.get(n);
    if (irq == null && n.matches("[0-9]{1,9}")) {
      irq = Integer.parseInt(n);
    }
    if (irq == null || m.kernel().descs().get(irq) == null) {
      throw new IllegalArgumentException(unknown(m, name));
    }
    return irq;
  }

  private static String unknown(Machine m, String name) {
    List<String> valid = new ArrayList<>(m.interruptNames().keySet());
    List<Integer> irqs = new ArrayList<>();
    m.kernel().descs().forEach(irqs::add);
    String nums = irqs.isEmpty() ? "no irq numbers are allocated" : "irq numbers " + ranges(irqs);
    return "unknown interrupt '" + name + "'; valid names: "
        + (valid.isEmpty() ? "(none)" : String.join(", ", valid)) + "; or " + nums;
  }

  private static String ranges(List<Integer> sorted) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < sorted.size(); ) {
      int j = i;
      while (j + 1 < sorted.size() && sorted.get(j + 1) == sorted.get(j) + 1) {
        j++;
      }
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(sorted.get(i));
      if (j > i) {
        sb.append('-').append(sorted.get(j));
      }
      i = j + 1;
    }
    return sb.toString();
  }

  /** The debugfs file of one descriptor, byte for byte in 6.12's layout. */
  public static String debugfsFile(Kernel k, IrqDesc d) {
    StringBuilder sb = new StringBuilder();
    sb.append("handler:  ").append(d.handler() == null ? "handle_bad_irq" : d.handler().name()).append('\n');
    sb.append("device:   ").append(d.devName() == null || d.devName().isEmpty() ? "(null)" : d.devName())
        .append('\n');
    sb.append("status:   ").append(Fmt.hex8(d.status())).append('\n');
    LinuxNames.showBits(sb, 0, d.status(), LinuxNames.STATUS);
    sb.append("istate:   ").append(Fmt.hex8(d.istate())).append('\n');
    LinuxNames.showBits(sb, 0, d.istate(), LinuxNames.ISTATE);
    sb.append("ddepth:   ").append(Fmt.u32(d.depth())).append('\n');
    sb.append("wdepth:   ").append(Fmt.u32(d.wakeDepth())).append('\n');
    sb.append("dstate:   ").append(Fmt.hex8(d.state())).append('\n');
    LinuxNames.showBits(sb, 0, d.state(), LinuxNames.IRQD);
    sb.append("node:     ").append(d.node()).append('\n');
    sb.append("affinity: ").append(d.affinity().toList()).append('\n');
    sb.append("effectiv: ").append(d.effectiveAffinity().toList()).append('\n');
    sb.append("pending:  ").append(d.pendingMask().toList()).append('\n');
    showData(sb, k, d.data(), 0);
    return sb.toString();
  }

  /** irq_debug_show_data(): this level, then its parent four columns further in. */
  private static void showData(StringBuilder sb, Kernel k, IrqData data, int ind) {
    sb.append(Fmt.spaces(ind)).append("domain:  ")
        .append(data.domain() == null ? "" : data.domain().debugfsName()).append('\n');
    sb.append(Fmt.spaces(ind + 1)).append("hwirq:   ").append(Fmt.hex(data.hwirq())).append('\n');
    showChip(sb, data, ind + 1);
    if (data.domain() != null && data.domain() == k.vectorDomain().domain()) {
      vectorDebugShow(sb, data, ind + 1);
    }
    if (data.parent() == null) {
      return;
    }
    sb.append(Fmt.spaces(ind + 1)).append("parent:\n");
    showData(sb, k, data.parent(), ind + 4);
  }

  /** irq_debug_show_chip(); a missing chip prints "chip: None" unindented, as the kernel does. */
  private static void showChip(StringBuilder sb, IrqData data, int ind) {
    IrqChip chip = data.chip();
    if (chip == null) {
      sb.append("chip: None\n");
      return;
    }
    sb.append(Fmt.spaces(ind)).append("chip:    ").append(chip.name()).append('\n');
    sb.append(Fmt.spaces(ind + 1)).append("flags:   ").append(Fmt.hex(Integer.toUnsignedLong(chip.flags())))
        .append('\n');
    LinuxNames.showBits(sb, ind, chip.flags(), LinuxNames.IRQCHIP);
  }

  /** x86_vector_debug_show() for one interrupt's VECTOR level. */
  private static void vectorDebugShow(StringBuilder sb, IrqData data, int ind) {
    String in = Fmt.spaces(ind);
    Object cd = data.chipData();
    if (!(cd instanceof ApicChipData a)) {
      sb.append(in).append("Vector: Not assigned\n");
      return;
    }
    sb.append(in).append("Vector: ").append(Fmt.right(Fmt.u32(a.vector()), 5)).append('\n');
    sb.append(in).append("Target: ").append(Fmt.right(Fmt.u32(a.cpu()), 5)).append('\n');
    if (a.prevVector() != 0) {
      sb.append(in).append("Previous vector: ").append(Fmt.right(Fmt.u32(a.prevVector()), 5)).append('\n');
      sb.append(in).append("Previous target: ").append(Fmt.right(Fmt.u32(a.prevCpu()), 5)).append('\n');
    }
    sb.append(in).append("move_in_progress: ").append(a.moveInProgress() ? 1 : 0).append('\n');
    sb.append(in).append("is_managed:       ").append(a.isManaged() ? 1 : 0).append('\n');
    sb.append(in).append("can_reserve:      ").append(a.canReserve() ? 1 : 0).append('\n');
    sb.append(in).append("has_reserved:     ").append(a.hasReserved() ? 1 : 0).append('\n');
    sb.append(in).append("cleanup_pending:  ").append(a.cleanupPending() ? 1 : 0).append('\n');
  }

  /** The irqlab section: what the scenario calls the interrupt and its MSI bookkeeping. */
  static String irqlabSection(Machine m, IrqDesc d) {
    MachineIndex idx = new MachineIndex(m);
    StringBuilder sb = new StringBuilder("irqlab:\n");
    String name = idx.nameOf(d.irq());
    sb.append("  name:       ").append(name == null ? "-" : name).append('\n');
    sb.append("  irq:        ").append(d.irq()).append('\n');
    sb.append("  action:     ").append(d.action() == null ? "-" : d.action().name()).append('\n');
    if (d.msiDesc() instanceof MsiDesc md) {
      sb.append("  msi_index:  ").append(md.msiIndex()).append('\n');
      int id = idx.domainIdOf(d);
      sb.append("  domain_id:  ").append(id < 0 ? "-" : id + (id == 0 ? " (MSI_DEFAULT_DOMAIN)" : " (MSI_SECONDARY_DOMAIN)"))
          .append('\n');
      sb.append("  cookie:     ").append(Fmt.hex(md.cookie())).append('\n');
    } else {
      sb.append("  msi_index:  -\n  domain_id:  -\n  cookie:     -\n");
    }
    irqlab.kernel.vmd.VmdIrq e = irqlab.sim.devices.VmdBinding.entryOf(d.data());
    if (e != null) {
      IrqDesc v = m.kernel().descs().get(e.list().virq());
      sb.append("  vmd:        ").append(e.list().vmd().vmdName()).append(" vector ").append(e.list().index())
          .append(" (irq ").append(e.list().virq())
          .append(v == null ? "" : ", CPU " + v.effectiveAffinity().toList()).append("), ")
          .append(e.enabled() ? "on its list (enabled)" : "not on its list (not enabled)").append('\n');
      if (d.msiDesc() instanceof MsiDesc md && md.msg() != null) {
        sb.append("  message:    ").append(md.msg()).append(" (destination id: the VMD vector's index)\n");
      }
    }
    ApicChipData a = VectorDomain.apicChipData(d.data());
    if (a != null) {
      sb.append("  message:    vector ").append(Fmt.hex(a.cfgVector())).append(" to APIC id ")
          .append(a.cfgDestApicId())
          .append(a.cfgVector() == VectorMatrix.MANAGED_IRQ_SHUTDOWN_VECTOR ? " (MANAGED_IRQ_SHUTDOWN_VECTOR: parked)" : "")
          .append('\n');
    }
    sb.append(RemappingView.irqLines(m.kernel(), d));
    return sb.toString();
  }
}
