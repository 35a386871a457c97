package irqlab.report;

import irqlab.kernel.Kernel;
import irqlab.kernel.x86.UnplugCheck;
import irqlab.kernel.x86.VectorMatrix;
import irqlab.sim.Machine;
import java.util.ArrayList;
import java.util.List;

/**
 * The operator's answers for a machine's state: the vector space of each CPU (the VECTOR
 * matrix's counters, as debugfs shows them) and whether each CPU could go offline now, with the
 * numbers lapic_can_unplug_cpu weighs (arch/x86/kernel/apic/vector.c).
 */
public final class CapacityPlan {
  private CapacityPlan() {}

  /** The per-CPU vector table and the offline answers; {@code before}, if not null, adds the change from it. */
  public static String render(Machine m, Machine before) {
    return vectors(m.kernel(), before == null ? null : before.kernel()) + "\n" + offline(m.kernel());
  }

  /** Vectors per CPU, with the global counters below. */
  static String vectors(Kernel k, Kernel was) {
    VectorMatrix mx = k.matrix();
    VectorMatrix old = was == null ? null : was.matrix();
    int system = systemCount(mx);
    String[] head = {"CPU", "online", "available", "allocated", "managed", "managed-alloc", "system"};
    List<String[]> rows = new ArrayList<>();
    for (int c = 0; c < k.nrCpus(); c++) {
      rows.add(new String[] {
        Integer.toString(c),
        k.cpuOnline(c) ? "yes" : "no",
        withDelta(mx.available(c), old == null ? null : old.available(c)),
        withDelta(mx.allocated(c), old == null ? null : old.allocated(c)),
        withDelta(mx.managed(c), old == null ? null : old.managed(c)),
        withDelta(mx.managedAllocated(c), old == null ? null : old.managedAllocated(c)),
        Integer.toString(system)
      });
    }
    StringBuilder sb = new StringBuilder("Vectors per CPU (device vectors ").append(mx.allocStart()).append('-')
        .append(mx.allocEnd() - 1).append("; allocated includes managed-alloc; managed = reserved for managed\n"
            + "interrupts; system = vectors the kernel keeps for itself on every CPU):\n");
    sb.append(Table.render(head, rows, new boolean[] {true, false, true, true, true, true, true}));
    sb.append("Global: available ").append(withDelta(mx.globalAvailable(), old == null ? null : old.globalAvailable()))
        .append(", reserved ").append(withDelta(mx.globalReserved(), old == null ? null : old.globalReserved()))
        .append(" (unmanaged interrupts in reservation mode, on no CPU until requested), allocated ")
        .append(withDelta(mx.totalAllocated(), old == null ? null : old.totalAllocated())).append('\n');
    return sb.toString();
  }

  /** One row per CPU: can it go offline now, and why. */
  static String offline(Kernel k) {
    VectorMatrix mx = k.matrix();
    String[] head = {"CPU", "online", "vectors to move", "available elsewhere", "reserved", "can go offline"};
    List<String[]> rows = new ArrayList<>();
    for (int c = 0; c < k.nrCpus(); c++) {
      if (!k.cpuOnline(c)) {
        rows.add(new String[] {Integer.toString(c), "no", "-", "-", "-", "offline already"});
        continue;
      }
      UnplugCheck u = UnplugCheck.of(mx, c);
      String answer;
      if (c == 0) {
        answer = "no: CPU 0 is not hotpluggable on x86 (no online file)";
      } else if (!u.fits()) {
        answer = "no: ENOSPC, \"CPU " + c + " has " + Integer.toUnsignedString(u.toMove()) + " vectors, "
            + Integer.toUnsignedString(u.available()) + " available. Cannot disable CPU\"";
      } else if (!u.reservedFit()) {
        answer = "yes, warning \"Reserved vectors " + Integer.toUnsignedString(u.reserved()) + " > available "
            + Integer.toUnsignedString(u.available()) + ". IRQ request may fail\"";
      } else {
        answer = "yes";
      }
      rows.add(new String[] {Integer.toString(c), "yes", Integer.toUnsignedString(u.toMove()),
          Integer.toUnsignedString(u.available()), Integer.toUnsignedString(u.reserved()), answer});
    }
    return "Which CPUs can go offline now (lapic_can_unplug_cpu: the CPU's unmanaged vectors must fit in what\n"
        + "the other online CPUs have available; managed ones are shut down instead, not moved):\n"
        + Table.render(head, rows, new boolean[] {true, false, true, true, true, false});
  }

  private static int systemCount(VectorMatrix mx) {
    int n = 0;
    for (int v = 0; v < mx.matrixBits(); v++) {
      if (mx.isSystem(v)) {
        n++;
      }
    }
    return n;
  }

  private static String withDelta(int now, Integer was) {
    String s = Integer.toUnsignedString(now);
    if (was == null || was == now) {
      return s;
    }
    long d = (long) now - was;
    return s + " (" + (d > 0 ? "+" : "") + d + ")";
  }
}
