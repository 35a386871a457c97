package irqlab.report;

import irqlab.kernel.Kernel;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.x86.ApicChipData;
import irqlab.kernel.x86.VectorDomain;
import irqlab.kernel.x86.VectorMatrix;
import irqlab.sim.Machine;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code show vectors}: the VECTOR domain's debugfs file (with irq_matrix_debug_show's counters,
 * byte for byte), then a per-CPU table of the matrix and, for each CPU, which interrupt owns each
 * vector (the per-CPU vector_irq table).
 */
public final class VectorsView {
  private VectorsView() {}

  public static String render(Machine m) {
    Kernel k = m.kernel();
    MachineIndex idx = new MachineIndex(m);
    StringBuilder sb = new StringBuilder();
    sb.append("==> ").append(DomainsView.DEBUGFS_DIR).append(k.vectorDomain().domain().debugfsName())
        .append(" <==\n");
    sb.append(vectorFile(k));
    sb.append('\n').append(cpuTable(k));
    sb.append('\n').append(owners(k, idx));
    return sb.toString();
  }

  /** /sys/kernel/debug/irq/domains/VECTOR. */
  public static String vectorFile(Kernel k) {
    return DomainsView.domainFile(k, k.vectorDomain().domain());
  }

  /** One row per possible CPU, offline ones included (the debugfs block lists online CPUs only). */
  public static String cpuTable(Kernel k) {
    VectorMatrix mx = k.matrix();
    String[] head = {"CPU", "online", "available", "allocated", "managed", "managed-alloc", "cleanup-queued"};
    List<String[]> rows = new ArrayList<>();
    for (int c = 0; c < k.nrCpus(); c++) {
      rows.add(new String[] {
        Integer.toString(c),
        k.cpuOnline(c) ? "yes" : "no",
        Fmt.u32(mx.available(c)),
        Fmt.u32(mx.allocated(c)),
        Fmt.u32(mx.managed(c)),
        Fmt.u32(mx.managedAllocated(c)),
        Integer.toString(k.vectorDomain().cleanupQueued(c))
      });
    }
    StringBuilder sb = new StringBuilder("Per-CPU vector space (device vectors ")
        .append(mx.allocStart()).append('-').append(mx.allocEnd() - 1)
        .append("; managed = reserved for managed irqs, managed-alloc = of those in use):\n");
    sb.append(Table.render(head, rows, new boolean[] {true, false, true, true, true, true, true}));
    return sb.toString();
  }

  /**
   * For each CPU, every vector that is allocated in the matrix or bound in vector_irq, with its
   * owner. A bound vector the matrix does not count, or the reverse, is flagged: on a correct
   * kernel the two agree except for the old vector of a move awaiting cleanup.
   */
  static String owners(Kernel k, MachineIndex idx) {
    VectorMatrix mx = k.matrix();
    VectorDomain vd = k.vectorDomain();
    StringBuilder sb = new StringBuilder("Vector owners (vector_irq per CPU; free system vectors omitted):\n");
    for (int c = 0; c < k.nrCpus(); c++) {
      List<String> lines = new ArrayList<>();
      for (int v = 0; v < VectorMatrix.NR_VECTORS; v++) {
        Object o = vd.vectorIrq(c, v);
        if (mx.isSystem(v) && o == null) {
          continue;
        }
        boolean used = mx.isUsed(c, v);
        boolean managedBit = mx.isManagedBit(c, v);
        if (o == null && !used && !managedBit) {
          continue;
        }
        StringBuilder l = new StringBuilder("    ").append(Fmt.right(v, 3)).append(" (0x")
            .append(Integer.toHexString(v)).append(")  ");
        List<String> notes = new ArrayList<>();
        if (o instanceof IrqDesc d) {
          l.append(idx.describe(d));
          ApicChipData a = VectorDomain.apicChipData(d.data());
          if (a != null && a.prevVector() == v && a.prevCpu() == c && !(a.vector() == v && a.cpu() == c)) {
            notes.add(a.cleanupPending() ? "old vector of a move, cleanup pending"
                : a.moveInProgress() ? "old vector of a move in progress" : "old vector of a move");
          } else if (a != null && !(a.vector() == v && a.cpu() == c)) {
            notes.add("stale: the irq now uses vector " + a.vector() + " on CPU " + a.cpu());
          }
        } else if (o != null) {
          l.append(o);
        } else if (used) {
          l.append("(allocated, no irq bound)");
        } else {
          l.append("(reserved for a managed irq, not allocated)");
        }
        if (managedBit && o != null) {
          notes.add("managed");
        }
        if (o != null && !used) {
          notes.add("not allocated in the matrix");
        }
        if (!notes.isEmpty()) {
          l.append("  [").append(String.join(", ", notes)).append(']');
        }
        lines.add(l.toString());
      }
      sb.append("  CPU ").append(c).append(k.cpuOnline(c) ? "" : " (offline)").append(':');
      if (lines.isEmpty()) {
        sb.append(" none\n");
      } else {
        sb.append('\n');
        for (String l : lines) {
          sb.append(l).append('\n');
        }
      }
    }
    List<String> parked = new ArrayList<>();
    k.descs().forEach(irq -> {
      IrqDesc d = k.descs().get(irq);
      ApicChipData a = VectorDomain.apicChipData(d.data());
      if (a != null && a.vector() == 0) {
        parked.add(idx.describe(d));
      }
    });
    if (!parked.isEmpty()) {
      sb.append("  No vector (reservation mode or shut down; messages would target ")
          .append("MANAGED_IRQ_SHUTDOWN_VECTOR 0x").append(Integer.toHexString(VectorMatrix.MANAGED_IRQ_SHUTDOWN_VECTOR))
          .append("):\n");
      for (String p : parked) {
        sb.append("    ").append(p).append('\n');
      }
    }
    return sb.toString();
  }
}
