package irqlab.report.html;

import irqlab.kernel.Kernel;
import irqlab.kernel.x86.VectorMatrix;
import java.util.List;
import java.util.Map;

/**
 * The vector matrix at one instant, one run-length encoded row per CPU ("s32n3f1a1..."), rows
 * interned in a table shared by all snapshots of a run so that an unchanged CPU costs one index.
 *
 * <p>States per vector, as kernel/irq/matrix.c keeps them: {@code s} system (system_map),
 * {@code a} allocated (alloc_map, not managed), {@code m} managed and allocated, {@code r}
 * reserved for a managed irq but not allocated (managed_map only), {@code f} free in the
 * allocation range, {@code n} outside the allocation range and not a system vector.
 */
record MatrixSnapshot(long timeNs, String kind, String label, int[] rows, boolean[] online,
    int globalReserved, int globalAvailable, int totalAllocated) {

  /** The legend, in the order of the state letters. */
  static final List<String[]> STATES = List.of(
      new String[] {"s", "system"},
      new String[] {"a", "allocated"},
      new String[] {"m", "managed"},
      new String[] {"r", "reserved"},
      new String[] {"f", "free"},
      new String[] {"n", "not allocatable"});

  static MatrixSnapshot take(Kernel k, long timeNs, String kind, String label, Map<String, Integer> rowTable) {
    VectorMatrix mx = k.matrix();
    int n = k.nrCpus();
    int[] rows = new int[n];
    boolean[] online = new boolean[n];
    StringBuilder sb = new StringBuilder(64);
    for (int c = 0; c < n; c++) {
      sb.setLength(0);
      char run = 0;
      int len = 0;
      for (int v = 0; v < VectorMatrix.NR_VECTORS; v++) {
        char s = state(mx, c, v);
        if (s == run) {
          len++;
          continue;
        }
        if (len > 0) {
          sb.append(run).append(len);
        }
        run = s;
        len = 1;
      }
      sb.append(run).append(len);
      String row = sb.toString();
      Integer idx = rowTable.get(row);
      if (idx == null) {
        idx = rowTable.size();
        rowTable.put(row, idx);
      }
      rows[c] = idx;
      online[c] = k.cpuOnline(c);
    }
    return new MatrixSnapshot(timeNs, kind, label, rows, online, mx.globalReserved(), mx.globalAvailable(),
        mx.totalAllocated());
  }

  static char state(VectorMatrix mx, int cpu, int v) {
    if (mx.isSystem(v)) {
      return 's';
    }
    boolean used = mx.isUsed(cpu, v);
    boolean managed = mx.isManagedBit(cpu, v);
    if (used) {
      return managed ? 'm' : 'a';
    }
    if (managed) {
      return 'r';
    }
    return v >= mx.allocStart() && v < mx.allocEnd() ? 'f' : 'n';
  }
}
