package irqlab.kernel.x86;

import irqlab.kernel.Errno;
import irqlab.kernel.KernelException;
import irqlab.kernel.cpu.CpuMask;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The per-CPU vector allocator of x86, a model of the kernel's {@code struct irq_matrix}
 * (kernel/irq/matrix.c, Linux 6.12). Counters are C {@code unsigned int}s: they wrap like the
 * kernel's and are printed unsigned, so accounting slips show up exactly as on a real machine.
 *
 * <p>Functions the kernel runs on "this CPU" (assign, assignSystem, available(cpuDown),
 * allocated()) act on {@link #currentCpu()}, which defaults to the boot CPU 0.
 */
public final class VectorMatrix {
  /** IDT size (arch/x86/include/asm/irq_vectors.h); also IRQ_MATRIX_BITS on x86. */
  public static final int NR_VECTORS = 256;
  /** First vector usable by devices (irq_vectors.h). */
  public static final int FIRST_EXTERNAL_VECTOR = 0x20;
  /**
   * End of the device range: POSTED_MSI_NOTIFICATION_VECTOR since v6.10 (commit f5a3562ec9dd),
   * whether or not CONFIG_X86_POSTED_MSI reserves it; older kernels used LOCAL_TIMER_VECTOR 0xec.
   * The 6.12 q35 dumps (201 vectors per CPU) confirm 0xeb.
   */
  public static final int FIRST_SYSTEM_VECTOR = 0xeb;
  /** The local APIC timer (irq_vectors.h). */
  public static final int LOCAL_TIMER_VECTOR = 0xec;
  /** Where shut-down or reservation-mode interrupts point (irq_vectors.h). */
  public static final int MANAGED_IRQ_SHUTDOWN_VECTOR = 0xef;
  /** The int80 syscall gate (irq_vectors.h). */
  public static final int IA32_SYSCALL_VECTOR = 0x80;
  /** ISA_IRQ_VECTOR(0): legacy IRQ n sits at 0x30 + n (irq_vectors.h). */
  public static final int ISA_IRQ_VECTOR_BASE = 0x30;
  /** The 8259 cascade line (asm/i8259.h PIC_CASCADE_IR). */
  public static final int PIC_CASCADE_IR = 2;

  /**
   * The IDT system vectors 6.12 marks on this q35/TCG guest, ascending, as idt.c sets
   * system_vectors: exceptions 0-21 (#DE..#CP, arch/x86/include/asm/trapnr.h), 29 (#VC, AMD SEV),
   * 0x80 (int80), 0xec (local timer), 0xf4 (deferred MCE error), 0xf6 irq_work, 0xf7 platform
   * IPI, 0xf8 reboot, 0xf9 MCE threshold, 0xfa thermal, 0xfb/0xfc call function (single),
   * 0xfd reschedule, 0xfe APIC error, 0xff spurious. Not set: 0xeb (no CONFIG_X86_POSTED_MSI),
   * 0xed/0xee (Hyper-V only), 0xef (shutdown target, no gate), 0xf0-0xf3 (KVM host or hypervisor
   * callback only), 0xf5 (unused).
   */
  private static final int[] Q35_SYSTEM_VECTORS = {
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 29,
    IA32_SYSCALL_VECTOR, LOCAL_TIMER_VECTOR, 0xf4, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd,
    0xfe, 0xff
  };

  /** A vector handed out on a CPU. */
  public record Allocation(int cpu, int vector) {}

  /** Gets one line per irq_matrix tracepoint, formatted as include/trace/events/irq_matrix.h. */
  @FunctionalInterface
  public interface MatrixTrace {
    MatrixTrace NONE = line -> {};

    void event(String line);
  }

  private final int nrCpus;
  private final int matrixBits;
  private final int allocStart;
  private final int allocEnd;
  private final int allocSize;
  private final int words;

  private int globalAvailable;
  private int globalReserved;
  private int systemBitsInAlloc;
  private int totalAllocated;
  private int onlineMaps;
  private final long[] systemMap;

  // struct cpumap, one slot per CPU
  private final int[] available;
  private final int[] allocated;
  private final int[] managed;
  private final int[] managedAllocated;
  private final boolean[] initialized;
  private final boolean[] online;
  private final long[][] allocMap;
  private final long[][] managedMap;

  /**
   * A tournament over the CPUs (not in matrix.c): node i holds the online CPU of its range with
   * the most available vectors, ties to the lowest, or -1. It gives the scan's answer for a mask
   * that holds every online CPU, the usual case, without visiting each CPU.
   */
  private final int leaves;
  private final int[] best;
  private CpuMask onlineSet = CpuMask.EMPTY;

  private int currentCpu;
  private MatrixTrace trace = MatrixTrace.NONE;
  private final List<String> warnings = new ArrayList<>();

  /** The x86 matrix: 256 bits, devices from 0x20 up to (excluding) FIRST_SYSTEM_VECTOR. */
  public VectorMatrix(int nrCpus) {
    this(nrCpus, NR_VECTORS, FIRST_EXTERNAL_VECTOR, FIRST_SYSTEM_VECTOR);
  }

  /** irq_alloc_matrix(): any geometry, e.g. allocEnd 0xec for a pre-6.10 kernel. */
  public VectorMatrix(int nrCpus, int matrixBits, int allocStart, int allocEnd) {
    if (nrCpus < 1 || nrCpus > CpuMask.MAX_CPUS) {
      throw new IllegalArgumentException("nrCpus " + nrCpus);
    }
    if (matrixBits < 1 || matrixBits > NR_VECTORS || allocStart < 0 || allocStart > allocEnd
        || allocEnd > matrixBits) {
      throw new IllegalArgumentException(
          "bad geometry bits=" + matrixBits + " start=" + allocStart + " end=" + allocEnd);
    }
    this.nrCpus = nrCpus;
    this.matrixBits = matrixBits;
    this.allocStart = allocStart;
    this.allocEnd = allocEnd;
    this.allocSize = allocEnd - allocStart;
    this.words = (matrixBits + 63) >>> 6;
    this.systemMap = new long[words];
    this.available = new int[nrCpus];
    this.allocated = new int[nrCpus];
    this.managed = new int[nrCpus];
    this.managedAllocated = new int[nrCpus];
    this.initialized = new boolean[nrCpus];
    this.online = new boolean[nrCpus];
    this.allocMap = new long[nrCpus][words];
    this.managedMap = new long[nrCpus][words];
    int l = 1;
    while (l < nrCpus) {
      l <<= 1;
    }
    this.leaves = l;
    this.best = new int[2 * leaves];
    java.util.Arrays.fill(best, -1);
  }

  /** Re-ranks {@code cpu} after its available count or online state changed. */
  private void rank(int cpu) {
    int i = leaves + cpu;
    best[i] = online[cpu] && available[cpu] != 0 ? cpu : -1;
    for (i >>>= 1; i >= 1; i >>>= 1) {
      int a = best[2 * i];
      int b = best[2 * i + 1];
      int w = a < 0 ? b : b < 0 ? a : Integer.compareUnsigned(available[b], available[a]) > 0 ? b : a;
      if (w == best[i] && w != cpu) {
        return; // the winner here and above does not depend on this CPU's count
      }
      best[i] = w;
    }
  }

  /**
   * The matrix as lapic_assign_system_vectors() leaves it on the 6.12 q35 guest before any
   * legacy or device vector: system map "0-21,29,50,128,236,244,246-255", all CPUs online with
   * 201 vectors each (arch/x86/kernel/apic/apic.c, idt.c).
   */
  public static VectorMatrix x86Boot(int nrCpus) {
    VectorMatrix m = new VectorMatrix(nrCpus);
    for (int v : Q35_SYSTEM_VECTORS) {
      m.assignSystem(v, false);
    }
    // apic.c marks the cascade's ISA vector separately: it is unusable with a PIC present.
    m.assignSystem(ISA_IRQ_VECTOR_BASE + PIC_CASCADE_IR, false);
    for (int cpu = 0; cpu < nrCpus; cpu++) {
      m.online(cpu);
    }
    return m;
  }

  /** Installs a tracepoint sink; {@link MatrixTrace#NONE} (the default) costs nothing. */
  public void setTrace(MatrixTrace trace) {
    this.trace = trace == null ? MatrixTrace.NONE : trace;
  }

  /** Selects the CPU that this_cpu_ptr() would return for the local-CPU operations. */
  public void setCurrentCpu(int cpu) {
    checkCpu(cpu);
    currentCpu = cpu;
  }

  public int currentCpu() {
    return currentCpu;
  }

  // ---------------------------------------------------------------- hotplug

  /** irq_matrix_online(): the first online computes the CPU's budget, later ones reuse it. */
  public void online(int cpu) {
    checkCpu(cpu);
    if (online[cpu]) {
      throw new IllegalStateException("BUG: matrix of CPU " + cpu + " already online");
    }
    if (!initialized[cpu]) {
      available[cpu] = allocSize - (managed[cpu] + systemBitsInAlloc);
      initialized[cpu] = true;
    }
    globalAvailable += available[cpu];
    online[cpu] = true;
    onlineSet = onlineSet.with(cpu);
    rank(cpu);
    onlineMaps++;
    traceGlobal("irq_matrix_online");
  }

  /** irq_matrix_offline(): only the global count changes; the CPU keeps its vectors. */
  public void offline(int cpu) {
    checkCpu(cpu);
    if (!online[cpu]) {
      // The kernel does not check; a second offline would corrupt the global counters.
      throw new IllegalStateException("matrix of CPU " + cpu + " is not online");
    }
    globalAvailable -= available[cpu];
    online[cpu] = false;
    onlineSet = onlineSet.without(cpu);
    rank(cpu);
    onlineMaps--;
    traceGlobal("irq_matrix_offline");
  }

  // ---------------------------------------------------------------- system / legacy

  /**
   * irq_matrix_assign_system(): marks a vector as system wide. Only legal before a second CPU is
   * online; {@code replace} converts an allocated vector of the current CPU (BUG_ON otherwise).
   */
  public void assignSystem(int bit, boolean replace) {
    // matrix.c checks bit > matrix_bits (off by one); we refuse the out-of-map bit too.
    if (bit < 0 || bit >= matrixBits) {
      throw new IllegalStateException("BUG: system bit " + bit + " outside the matrix");
    }
    if (onlineMaps > 1 || (onlineMaps != 0 && !replace)) {
      throw new IllegalStateException("BUG: assign_system with " + onlineMaps + " online maps");
    }
    setBit(systemMap, bit);
    if (replace) {
      int cpu = currentCpu;
      if (!testBit(allocMap[cpu], bit)) {
        throw new IllegalStateException("BUG: replaced bit " + bit + " not allocated");
      }
      clearBit(allocMap[cpu], bit);
      allocated[cpu]--;
      totalAllocated--;
    }
    if (bit >= allocStart && bit < allocEnd) {
      systemBitsInAlloc++;
    }
    if (trace != MatrixTrace.NONE) {
      trace.event("irq_matrix_assign_system: bit=" + bit + " " + globalFields());
    }
  }

  /** irq_matrix_assign(): marks a preallocated (legacy ISA) vector on the current CPU. */
  public void assign(int bit) {
    int cpu = currentCpu;
    if (bit < allocStart || bit >= allocEnd) {
      warn("assign: bit " + bit + " outside the allocation range");
      return;
    }
    if (testBit(allocMap[cpu], bit)) {
      warn("assign: bit " + bit + " already allocated on CPU " + cpu);
      return;
    }
    setBit(allocMap[cpu], bit);
    allocated[cpu]++;
    totalAllocated++;
    // Not conditional on online: the kernel only calls this on the running boot CPU.
    available[cpu]--;
    rank(cpu);
    globalAvailable--;
    traceCpu("irq_matrix_assign", bit, cpu);
  }

  // ---------------------------------------------------------------- global reservation

  /** irq_matrix_reserve(): bookkeeping only, the vector is allocated at activation. */
  public void reserve() {
    if (globalReserved == globalAvailable) {
      warn("Interrupt reservation exceeds available resources");
    }
    globalReserved++;
    traceGlobal("irq_matrix_reserve");
  }

  /** irq_matrix_remove_reserved(): undoes one {@link #reserve()}. */
  public void removeReserved() {
    globalReserved--;
    traceGlobal("irq_matrix_remove_reserved");
  }

  // ---------------------------------------------------------------- managed

  /**
   * irq_matrix_reserve_managed(): one managed bit on every CPU of the mask, offline ones too
   * (bits may differ per CPU). On a full CPU it undoes the earlier CPUs and throws ENOSPC.
   *
   * @return 0, as the kernel does on success
   */
  public int reserveManaged(CpuMask msk) {
    checkMask(msk);
    for (int cpu = msk.firstCpu(); cpu >= 0; cpu = msk.nextCpu(cpu + 1)) {
      int bit = allocArea(cpu, true);
      if (bit >= allocEnd) {
        // Rollback removes the lowest unallocated managed bit of each earlier CPU, which is
        // not necessarily the bit just reserved there.
        for (int c = msk.firstCpu(); c >= 0 && c != cpu; c = msk.nextCpu(c + 1)) {
          removeManagedOne(c);
        }
        throw new KernelException(Errno.ENOSPC, "no managed vector free on CPU " + cpu);
      }
      managed[cpu]++;
      if (online[cpu]) {
        available[cpu]--;
        globalAvailable--;
        rank(cpu);
      }
      traceCpu("irq_matrix_reserve_managed", bit, cpu);
    }
    return 0;
  }

  /** irq_matrix_remove_managed(): drops one not-allocated managed bit per CPU of the mask. */
  public void removeManaged(CpuMask msk) {
    checkMask(msk);
    for (int cpu = msk.firstCpu(); cpu >= 0; cpu = msk.nextCpu(cpu + 1)) {
      removeManagedOne(cpu);
    }
  }

  private void removeManagedOne(int cpu) {
    if (managed[cpu] == 0) {
      warn("remove_managed: CPU " + cpu + " has no managed vectors");
      return;
    }
    int bit = firstManagedFree(cpu);
    if (bit >= allocEnd) {
      warn("remove_managed: all managed vectors of CPU " + cpu + " are allocated");
      return;
    }
    clearBit(managedMap[cpu], bit);
    managed[cpu]--;
    if (online[cpu]) {
      available[cpu]++;
      globalAvailable++;
      rank(cpu);
    }
    traceCpu("irq_matrix_remove_managed", bit, cpu);
  }

  /**
   * irq_matrix_alloc_managed(): picks the online CPU of the mask with the fewest managed
   * allocations, ties to the HIGHEST such CPU (matrix_find_best_cpu_managed skips only strictly
   * greater counts), then its lowest reserved-but-unallocated bit.
   */
  public Allocation allocManaged(CpuMask msk) {
    if (msk.isEmpty()) {
      throw new KernelException(Errno.EINVAL, "empty mask");
    }
    checkMask(msk);
    int best = -1;
    int fewest = -1; // UINT_MAX
    for (int cpu = msk.firstCpu(); cpu >= 0; cpu = msk.nextCpu(cpu + 1)) {
      if (!online[cpu] || Integer.compareUnsigned(managedAllocated[cpu], fewest) > 0) {
        continue;
      }
      best = cpu;
      fewest = managedAllocated[cpu];
    }
    if (best < 0) {
      throw new KernelException(Errno.ENOSPC, "no online CPU in " + msk);
    }
    // Only the chosen CPU is tried, even if another CPU of the mask still has a reserved bit.
    int bit = firstManagedFree(best);
    if (bit >= allocEnd) {
      throw new KernelException(Errno.ENOSPC, "no reserved managed vector left on CPU " + best);
    }
    setBit(allocMap[best], bit);
    allocated[best]++;
    managedAllocated[best]++;
    totalAllocated++;
    traceCpu("irq_matrix_alloc_managed", bit, best);
    return new Allocation(best, bit);
  }

  // ---------------------------------------------------------------- regular

  /**
   * irq_matrix_alloc(): the online CPU of the mask with the most available vectors (ties to the
   * lowest CPU, CPUs with none are skipped), its lowest free bit from the allocation start.
   * {@code reserved} consumes one global reservation.
   */
  public Allocation alloc(CpuMask msk, boolean reserved) {
    if (msk.isEmpty()) {
      throw new KernelException(Errno.EINVAL, "empty mask");
    }
    checkMask(msk);
    int best = -1;
    int maxAvl = 0;
    if (onlineSet.isSubsetOf(msk)) {
      best = this.best[1];
    } else {
      for (int cpu = msk.firstCpu(); cpu >= 0; cpu = msk.nextCpu(cpu + 1)) {
        if (!online[cpu] || Integer.compareUnsigned(available[cpu], maxAvl) <= 0) {
          continue;
        }
        best = cpu;
        maxAvl = available[cpu];
      }
    }
    if (best < 0) {
      throw new KernelException(Errno.ENOSPC, "no vector available on " + msk);
    }
    int bit = allocArea(best, false);
    if (bit >= allocEnd) {
      throw new KernelException(Errno.ENOSPC, "no free vector on CPU " + best);
    }
    allocated[best]++;
    available[best]--;
    rank(best);
    totalAllocated++;
    globalAvailable--;
    if (reserved) {
      globalReserved--;
    }
    traceCpu("irq_matrix_alloc", bit, best);
    return new Allocation(best, bit);
  }

  /**
   * irq_matrix_free(): a managed bit stays reserved (not available); total_allocated drops only
   * if the CPU is online. Bad bits warn and change nothing.
   */
  public void free(int cpu, int bit, boolean isManaged) {
    checkCpu(cpu);
    if (bit < allocStart || bit >= allocEnd) {
      warn("free: bit " + bit + " outside the allocation range");
      return;
    }
    if (!testBit(allocMap[cpu], bit)) {
      warn("free: bit " + bit + " not allocated on CPU " + cpu);
      return;
    }
    clearBit(allocMap[cpu], bit);
    allocated[cpu]--;
    if (isManaged) {
      managedAllocated[cpu]--;
    }
    if (online[cpu]) {
      totalAllocated--;
    }
    if (!isManaged) {
      available[cpu]++;
      rank(cpu);
      if (online[cpu]) {
        globalAvailable++;
      }
    }
    traceCpu("irq_matrix_free", bit, cpu);
  }

  // ---------------------------------------------------------------- queries

  /** irq_matrix_available(): global count, minus the current CPU's when it goes down. */
  public int available(boolean cpuDown) {
    return available(cpuDown, currentCpu);
  }

  /** irq_matrix_available() as {@code cpu} would compute it: without its own when it goes down. */
  public int available(boolean cpuDown, int cpu) {
    checkCpu(cpu);
    return cpuDown ? globalAvailable - available[cpu] : globalAvailable;
  }

  /** irq_matrix_reserved(). */
  public int reservedCount() {
    return globalReserved;
  }

  /** irq_matrix_allocated(): the current CPU's non-managed vectors, i.e. what must move away. */
  public int allocated() {
    return allocatedUnmanaged(currentCpu);
  }

  /** irq_matrix_allocated() as {@code cpu} would compute it. */
  public int allocatedUnmanaged(int cpu) {
    checkCpu(cpu);
    return allocated[cpu] - managedAllocated[cpu];
  }

  public int available(int cpu) {
    checkCpu(cpu);
    return available[cpu];
  }

  /** All allocated vectors of the CPU, managed included (the "act" column). */
  public int allocated(int cpu) {
    checkCpu(cpu);
    return allocated[cpu];
  }

  public int managed(int cpu) {
    checkCpu(cpu);
    return managed[cpu];
  }

  public int managedAllocated(int cpu) {
    checkCpu(cpu);
    return managedAllocated[cpu];
  }

  public boolean isOnline(int cpu) {
    checkCpu(cpu);
    return online[cpu];
  }

  /** The bit is in the CPU's alloc_map. */
  public boolean isUsed(int cpu, int bit) {
    checkCpu(cpu);
    return bit >= 0 && bit < matrixBits && testBit(allocMap[cpu], bit);
  }

  /** The bit is in the CPU's managed_map (reserved for a managed interrupt). */
  public boolean isManagedBit(int cpu, int bit) {
    checkCpu(cpu);
    return bit >= 0 && bit < matrixBits && testBit(managedMap[cpu], bit);
  }

  public boolean isSystem(int bit) {
    return bit >= 0 && bit < matrixBits && testBit(systemMap, bit);
  }

  public int onlineMaps() {
    return onlineMaps;
  }

  public int globalAvailable() {
    return globalAvailable;
  }

  public int globalReserved() {
    return globalReserved;
  }

  public int totalAllocated() {
    return totalAllocated;
  }

  public int systemBitsInAlloc() {
    return systemBitsInAlloc;
  }

  /** The system map in %*pbl form, e.g. "0-21,29,50". */
  public String systemList() {
    return bitList(systemMap);
  }

  /** The CPU's alloc_map in %*pbl form. */
  public String usedList(int cpu) {
    checkCpu(cpu);
    return bitList(allocMap[cpu]);
  }

  public int nrCpus() {
    return nrCpus;
  }

  public int matrixBits() {
    return matrixBits;
  }

  public int allocStart() {
    return allocStart;
  }

  public int allocEnd() {
    return allocEnd;
  }

  /** The WARN_ON/pr_warn messages the kernel would have logged, oldest first. */
  public List<String> warnings() {
    return Collections.unmodifiableList(warnings);
  }

  /** irq_matrix_debug_show() as in /sys/kernel/debug/irq/domains/VECTOR (indent 1). */
  public String debugShow() {
    return debugShow(1);
  }

  /** irq_matrix_debug_show() with the given indentation ("%*s" of a single space). */
  public String debugShow(int ind) {
    StringBuilder sb = new StringBuilder(256 + 64 * nrCpus);
    sb.append("Online bitmaps:   ").append(u(onlineMaps, 6)).append('\n');
    sb.append("Global available: ").append(u(globalAvailable, 6)).append('\n');
    sb.append("Global reserved:  ").append(u(globalReserved, 6)).append('\n');
    sb.append("Total allocated:  ").append(u(totalAllocated, 6)).append('\n');
    sb.append("System: ").append(bitCount(systemMap)).append(": ").append(bitList(systemMap))
        .append('\n');
    String indent = pad(" ", ind);
    sb.append(indent).append("| CPU | avl | man | mac | act | vectors\n");
    for (int cpu = 0; cpu < nrCpus; cpu++) {
      if (!online[cpu]) {
        continue;
      }
      sb.append(indent).append(' ').append(pad(Integer.toString(cpu), 4))
          .append("  ").append(u(available[cpu], 4))
          .append("  ").append(u(managed[cpu], 4))
          .append("  ").append(u(managedAllocated[cpu], 4))
          .append(' ').append(u(allocated[cpu], 4))
          .append("  ").append(bitList(allocMap[cpu])).append('\n');
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------- internals

  /** matrix_alloc_area() for one bit: lowest bit in [start, end) free of system/managed/alloc. */
  private int allocArea(int cpu, boolean isManaged) {
    long[] am = allocMap[cpu];
    long[] mm = managedMap[cpu];
    for (int w = allocStart >>> 6; w < words; w++) {
      long free = ~(am[w] | mm[w] | systemMap[w]);
      if (w == allocStart >>> 6) {
        free &= -1L << allocStart;
      }
      if (free != 0) {
        int bit = (w << 6) + Long.numberOfTrailingZeros(free);
        if (bit >= allocEnd) {
          return allocEnd;
        }
        setBit(isManaged ? mm : am, bit);
        return bit;
      }
    }
    return allocEnd;
  }

  /** Lowest bit of managed_map & ~alloc_map below the end, or allocEnd. */
  private int firstManagedFree(int cpu) {
    long[] am = allocMap[cpu];
    long[] mm = managedMap[cpu];
    for (int w = 0; w < words; w++) {
      long cand = mm[w] & ~am[w];
      if (cand != 0) {
        int bit = (w << 6) + Long.numberOfTrailingZeros(cand);
        return Math.min(bit, allocEnd);
      }
    }
    return allocEnd;
  }

  private void checkCpu(int cpu) {
    if (cpu < 0 || cpu >= nrCpus) {
      throw new IllegalArgumentException("cpu " + cpu + " out of range 0.." + (nrCpus - 1));
    }
  }

  private void checkMask(CpuMask msk) {
    if (msk.lastCpu() >= nrCpus) {
      throw new IllegalArgumentException("mask " + msk + " beyond nr_cpu_ids " + nrCpus);
    }
  }

  private void warn(String msg) {
    warnings.add(msg);
  }

  private void traceGlobal(String event) {
    if (trace != MatrixTrace.NONE) {
      trace.event(event + ": " + globalFields());
    }
  }

  private void traceCpu(String event, int bit, int cpu) {
    if (trace != MatrixTrace.NONE) {
      trace.event(event + ": bit=" + bit + " cpu=" + cpu + " online=" + (online[cpu] ? 1 : 0)
          + " avl=" + Integer.toUnsignedString(available[cpu])
          + " alloc=" + Integer.toUnsignedString(allocated[cpu])
          + " managed=" + Integer.toUnsignedString(managed[cpu]) + " " + globalFields());
    }
  }

  private String globalFields() {
    return "online_maps=" + onlineMaps + " global_avl=" + Integer.toUnsignedString(globalAvailable)
        + ", global_rsvd=" + Integer.toUnsignedString(globalReserved)
        + ", total_alloc=" + Integer.toUnsignedString(totalAllocated);
  }

  private String bitList(long[] map) {
    StringBuilder sb = new StringBuilder();
    int bit = nextSet(map, 0);
    while (bit >= 0) {
      int end = bit;
      while (end + 1 < matrixBits && testBit(map, end + 1)) {
        end++;
      }
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(bit);
      if (end > bit) {
        sb.append('-').append(end);
      }
      bit = nextSet(map, end + 1);
    }
    return sb.toString();
  }

  private int nextSet(long[] map, int from) {
    if (from >= matrixBits) {
      return -1;
    }
    int w = from >>> 6;
    long word = map[w] & (-1L << from);
    while (true) {
      if (word != 0) {
        int bit = (w << 6) + Long.numberOfTrailingZeros(word);
        return bit < matrixBits ? bit : -1;
      }
      if (++w == words) {
        return -1;
      }
      word = map[w];
    }
  }

  private static int bitCount(long[] map) {
    int n = 0;
    for (long w : map) {
      n += Long.bitCount(w);
    }
    return n;
  }

  private static String u(int v, int width) {
    return pad(Integer.toUnsignedString(v), width);
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
  }

  private static boolean testBit(long[] map, int bit) {
    return (map[bit >>> 6] & (1L << bit)) != 0;
  }

  private static void setBit(long[] map, int bit) {
    map[bit >>> 6] |= 1L << bit;
  }

  private static void clearBit(long[] map, int bit) {
    map[bit >>> 6] &= ~(1L << bit);
  }
}
