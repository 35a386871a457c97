package irqlab.sim;

import irqlab.kernel.Kernel;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.x86.ApicChipData;
import irqlab.kernel.x86.VectorDomain;
import irqlab.kernel.x86.VectorMatrix;
import java.util.ArrayList;
import java.util.List;

/**
 * The oracle's vector accounting at quiescence. On every CPU, online or not, each vector the
 * matrix counts as allocated must belong to an interrupt (its current vector or the old one of a
 * move) and the reverse; on online CPUs vector_irq must install exactly the allocated vectors.
 * The global counters must add up: total_allocated to the CPUs' allocations (nothing in irqlab
 * frees a vector on an offline CPU), global_available to the online CPUs' availability.
 */
final class VectorAccounting {
  private VectorAccounting() {}

  static List<String> check(Kernel k) {
    List<String> problems = new ArrayList<>();
    VectorMatrix mx = k.matrix();
    VectorDomain vd = k.vectorDomain();
    int n = k.nrCpus();
    // irq + 1, so that irq 0 (the timer) is an owner too; 0 means none.
    int[][] owner = new int[n][VectorMatrix.NR_VECTORS];
    k.descs().forEach(irq -> {
      IrqDesc d = k.descs().get(irq);
      ApicChipData a = VectorDomain.apicChipData(d.data());
      if (a == null) {
        return;
      }
      if (a.vector() != 0) {
        owner[a.cpu()][a.vector()] = irq + 1;
      }
      if (a.prevVector() != 0) {
        owner[a.prevCpu()][a.prevVector()] = irq + 1;
      }
    });
    long totalAllocated = 0;
    long onlineAvailable = 0;
    for (int cpu = 0; cpu < n; cpu++) {
      totalAllocated += mx.allocated(cpu);
      if (mx.isOnline(cpu)) {
        onlineAvailable += Integer.toUnsignedLong(mx.available(cpu));
      }
      String where = "CPU " + cpu + (k.cpuOnline(cpu) ? "" : " (offline)");
      for (int v = mx.allocStart(); v < mx.allocEnd(); v++) {
        boolean used = mx.isUsed(cpu, v);
        if (used && owner[cpu][v] == 0) {
          problems.add(where + ": vector " + v + " is allocated in the matrix but no irq owns it (leaked)");
        } else if (!used && owner[cpu][v] != 0) {
          problems.add(where + ": irq " + (owner[cpu][v] - 1) + " owns vector " + v
              + ", which the matrix does not count as allocated");
        }
      }
      if (!k.cpuOnline(cpu)) {
        continue;
      }
      int installed = 0;
      for (int v = 0; v < VectorMatrix.NR_VECTORS; v++) {
        if (vd.vectorIrq(cpu, v) instanceof IrqDesc) {
          installed++;
        }
      }
      if (installed != mx.allocated(cpu)) {
        problems.add("CPU " + cpu + ": matrix counts " + mx.allocated(cpu) + " allocated vectors, "
            + installed + " are installed");
      }
    }
    if (Integer.toUnsignedLong(mx.totalAllocated()) != totalAllocated) {
      problems.add("total_allocated is " + Integer.toUnsignedString(mx.totalAllocated())
          + ", the CPUs hold " + totalAllocated);
    }
    if (Integer.toUnsignedLong(mx.globalAvailable()) != onlineAvailable) {
      problems.add("global_available is " + Integer.toUnsignedString(mx.globalAvailable())
          + ", the online CPUs have " + onlineAvailable);
    }
    return problems;
  }
}
