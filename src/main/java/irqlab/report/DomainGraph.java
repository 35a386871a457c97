package irqlab.report;

import irqlab.kernel.Kernel;
import irqlab.kernel.domain.IrqDomain;
import irqlab.kernel.irq.IrqChip;
import irqlab.kernel.irq.IrqData;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.x86.ApicChipData;
import irqlab.kernel.x86.VectorDomain;
import irqlab.sim.Machine;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The irq domain hierarchy as a graph for pictures (DOT, the HTML tree): every live domain with
 * its parent, role and the chips its levels use, and every interrupt under its outermost domain
 * with its hierarchy of levels (domain, chip, hwirq) down to the APIC vector.
 */
public record DomainGraph(List<Node> domains) {
  /** One level of an interrupt's irq_data hierarchy. */
  public record Level(String domain, String chip, long hwirq) {}

  /** An interrupt; {@code vector} and {@code cpu} are -1 when no vector is assigned. */
  public record Irq(int irq, String name, String action, String effective, int vector, int cpu,
      List<Level> levels) {
    /** "nic0/msix/3" or the action's name or "irq N". */
    public String label() {
      return name != null ? name : action != null ? action : "irq " + irq;
    }
  }

  /**
   * A domain; {@code parent} is the index of its parent in {@link #domains()} or -1; {@code irqs}
   * are the interrupts whose outermost level it is, {@code through} those passing through it.
   */
  public record Node(int index, String name, int parent, int mapped, int flags, String role,
      List<String> chips, List<Irq> irqs, int through) {}

  /** The hierarchy of {@code m} as it stands now, domains in creation order, irqs by number. */
  public static DomainGraph of(Machine m) {
    Kernel k = m.kernel();
    MachineIndex idx = new MachineIndex(m);
    List<IrqDomain> all = k.domains().all();
    Map<IrqDomain, Integer> index = new IdentityHashMap<>();
    for (IrqDomain d : all) {
      index.put(d, index.size());
    }
    List<Set<String>> chips = new ArrayList<>();
    List<List<Irq>> irqs = new ArrayList<>();
    int[] through = new int[all.size()];
    for (int i = 0; i < all.size(); i++) {
      chips.add(new LinkedHashSet<>());
      irqs.add(new ArrayList<>());
    }
    k.descs().forEach(n -> {
      IrqDesc d = k.descs().get(n);
      if (d == null || d.data().domain() == null) {
        return;
      }
      List<Level> levels = new ArrayList<>();
      for (IrqData l = d.data(); l != null; l = l.parent()) {
        Integer di = l.domain() == null ? null : index.get(l.domain());
        String chip = chipName(l.chip());
        levels.add(new Level(l.domain() == null ? "-" : l.domain().debugfsName(), chip, l.hwirq()));
        if (di != null) {
          chips.get(di).add(chip);
          if (l != d.data()) {
            through[di]++;
          }
        }
      }
      Integer outer = index.get(d.data().domain());
      if (outer == null) {
        return;
      }
      ApicChipData a = VectorDomain.apicChipData(d.data());
      boolean hasVector = a != null && a.vector() != 0;
      irqs.get(outer).add(new Irq(d.irq(), idx.nameOf(d.irq()), d.action() == null ? null : d.action().name(),
          d.effectiveAffinity().toList(), hasVector ? a.vector() : -1, hasVector ? a.cpu() : -1,
          List.copyOf(levels)));
    });
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      IrqDomain d = all.get(i);
      Integer p = d.parent() == null ? null : index.get(d.parent());
      nodes.add(new Node(i, d.debugfsName(), p == null ? -1 : p, d.mapped(), d.flags(),
          DomainsView.role(k, idx, d), List.copyOf(chips.get(i)), List.copyOf(irqs.get(i)), through[i]));
    }
    return new DomainGraph(List.copyOf(nodes));
  }

  private static String chipName(IrqChip c) {
    return c == null ? "none" : c.name() == null ? "-" : c.name();
  }
}
