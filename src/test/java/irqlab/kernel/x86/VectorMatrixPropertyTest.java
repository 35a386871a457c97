package irqlab.kernel.x86;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import irqlab.kernel.Errno;
import irqlab.kernel.KernelException;
import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.x86.VectorMatrix.Allocation;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded random operation sequences checked after every step against a set-based reference
 * model written from the matrix.c rules, not from the implementation.
 */
class VectorMatrixPropertyTest {

  static IntStream seeds() {
    return IntStream.range(0, 50);
  }

  /** Small matrices (4-20 vectors per CPU) so exhaustion, ENOSPC and rollback happen often. */
  @ParameterizedTest(name = "small seed {0}")
  @MethodSource("seeds")
  void smallMatrixAgreesWithTheReferenceModel(int seed) {
    Random rnd = new Random(seed);
    int cpus = 1 + rnd.nextInt(5);
    int start = 8;
    int end = start + 4 + rnd.nextInt(17);
    VectorMatrix m = new VectorMatrix(cpus, 64, start, end);
    Ref ref = new Ref(cpus, 64, start, end);
    for (int i = 0, n = rnd.nextInt(4); i < n; i++) {
      int bit = rnd.nextInt(64);
      m.assignSystem(bit, false);
      ref.sys[bit] = true;
      if (bit >= start && bit < end) {
        ref.sysInAlloc++; // counted per call, so a repeated bit shrinks the budget twice
      }
    }
    run(rnd, m, ref, 400);
  }

  /** The real x86 geometry after the q35 boot, all CPUs online at first. */
  @ParameterizedTest(name = "x86 seed {0}")
  @MethodSource("seeds")
  void x86MatrixAgreesWithTheReferenceModel(int seed) {
    Random rnd = new Random(1000 + seed);
    int cpus = 1 + rnd.nextInt(6);
    VectorMatrix m = VectorMatrix.x86Boot(cpus);
    Ref ref = new Ref(cpus, 256, 0x20, 0xeb);
    for (int bit = 0; bit < 256; bit++) {
      ref.sys[bit] = m.isSystem(bit);
      ref.sysInAlloc += ref.sys[bit] && bit >= 0x20 && bit < 0xeb ? 1 : 0;
    }
    for (int cpu = 0; cpu < cpus; cpu++) {
      ref.online(cpu);
    }
    check(m, ref);
    run(rnd, m, ref, 300);
  }

  private static void run(Random rnd, VectorMatrix m, Ref ref, int steps) {
    List<String> events = new ArrayList<>();
    m.setTrace(events::add);
    for (int step = 0; step < steps; step++) {
      events.clear();
      int op = rnd.nextInt(100);
      if (op < 30) {
        doAlloc(rnd, m, ref);
      } else if (op < 42) {
        doReserveManaged(rnd, m, ref);
      } else if (op < 54) {
        doAllocManaged(rnd, m, ref);
      } else if (op < 72) {
        doFree(rnd, m, ref);
      } else if (op < 77) {
        CpuMask msk = randomMask(rnd, ref.n);
        int warnings = m.warnings().size();
        int expectWarn = ref.removeManaged(msk);
        m.removeManaged(msk);
        assertThat(m.warnings().size() - warnings).isEqualTo(expectWarn);
      } else if (op < 82) {
        m.reserve();
        ref.reserved++;
      } else if (op < 85 && ref.reserved > 0) {
        m.removeReserved();
        ref.reserved--;
      } else if (op < 89) {
        doAssign(rnd, m, ref);
      } else {
        int cpu = rnd.nextInt(ref.n);
        if (ref.online[cpu]) {
          m.offline(cpu);
          ref.offline(cpu);
        } else {
          m.online(cpu);
          ref.online(cpu);
        }
      }
      check(m, ref);
      if (!events.isEmpty()) { // every tracepoint reports the state it leaves behind
        String last = events.get(events.size() - 1);
        assertThat(last).endsWith("online_maps=" + m.onlineMaps() + " global_avl="
            + Integer.toUnsignedString(m.globalAvailable()) + ", global_rsvd="
            + Integer.toUnsignedString(m.reservedCount()) + ", total_alloc="
            + m.totalAllocated());
      }
    }
  }

  private static void doAlloc(Random rnd, VectorMatrix m, Ref ref) {
    CpuMask msk = randomMask(rnd, ref.n);
    boolean reserved = rnd.nextBoolean() && ref.reserved > 0;
    int cpu = ref.bestCpu(msk);
    try {
      Allocation a = m.alloc(msk, reserved);
      assertThat(msk.isEmpty()).isFalse();
      assertThat(a.cpu()).as("most available, lowest on ties").isEqualTo(cpu);
      assertThat(a.vector()).as("lowest free bit").isEqualTo(ref.lowestFree(cpu));
      assertThat(ref.used[a.cpu()][a.vector()]).as("handed out twice").isFalse();
      ref.used[a.cpu()][a.vector()] = true;
      if (reserved) {
        ref.reserved--;
      }
    } catch (KernelException e) {
      if (msk.isEmpty()) {
        assertThat(e.errno()).isEqualTo(Errno.EINVAL);
        return;
      }
      assertThat(e.errno()).isEqualTo(Errno.ENOSPC);
      assertThat(cpu < 0 || ref.lowestFree(cpu) < 0).isTrue();
      if (!ref.anyDrift()) { // without the stale-budget quirk ENOSPC means really full
        msk.forEach(c -> assertThat(ref.online[c] && ref.lowestFree(c) >= 0).isFalse());
      }
    }
  }

  private static void doReserveManaged(Random rnd, VectorMatrix m, Ref ref) {
    CpuMask msk = randomMask(rnd, ref.n);
    boolean ok = ref.reserveManaged(msk);
    try {
      assertThat(m.reserveManaged(msk)).isZero();
      assertThat(ok).isTrue();
    } catch (KernelException e) {
      assertThat(e.errno()).isEqualTo(Errno.ENOSPC);
      assertThat(ok).isFalse();
    }
  }

  private static void doAllocManaged(Random rnd, VectorMatrix m, Ref ref) {
    CpuMask msk = randomMask(rnd, ref.n);
    int cpu = ref.bestManagedCpu(msk);
    try {
      Allocation a = m.allocManaged(msk);
      assertThat(a.cpu()).as("fewest managed allocated, highest on ties").isEqualTo(cpu);
      int bit = ref.lowestManagedFree(cpu);
      assertThat(a.vector()).isEqualTo(bit);
      assertThat(ref.used[cpu][bit]).as("handed out twice").isFalse();
      ref.used[cpu][bit] = true;
    } catch (KernelException e) {
      assertThat(e.errno()).isEqualTo(msk.isEmpty() ? Errno.EINVAL : Errno.ENOSPC);
      assertThat(msk.isEmpty() || cpu < 0 || ref.lowestManagedFree(cpu) < 0).isTrue();
    }
  }

  private static void doFree(Random rnd, VectorMatrix m, Ref ref) {
    List<int[]> used = new ArrayList<>();
    for (int cpu = 0; cpu < ref.n; cpu++) {
      for (int bit = 0; bit < ref.bits; bit++) {
        if (ref.used[cpu][bit]) {
          used.add(new int[] {cpu, bit});
        }
      }
    }
    int warnings = m.warnings().size();
    if (used.isEmpty() || rnd.nextInt(10) == 0) { // a bogus free only warns
      int cpu = rnd.nextInt(ref.n);
      int bit = rnd.nextInt(ref.bits);
      if (!ref.used[cpu][bit]) {
        m.free(cpu, bit, rnd.nextBoolean());
        assertThat(m.warnings()).hasSize(warnings + 1);
      }
      return;
    }
    int[] pick = used.get(rnd.nextInt(used.size()));
    int cpu = pick[0];
    int bit = pick[1];
    boolean isManaged = ref.mres[cpu][bit];
    int availBefore = m.available(cpu);
    m.free(cpu, bit, isManaged);
    ref.used[cpu][bit] = false;
    if (!ref.online[cpu]) {
      ref.leaked++;
    }
    if (isManaged) {
      assertThat(m.isManagedBit(cpu, bit)).as("managed free keeps the reservation").isTrue();
      assertThat(m.available(cpu)).isEqualTo(availBefore);
    } else {
      assertThat(m.available(cpu)).isEqualTo(availBefore + 1);
    }
    assertThat(m.warnings()).hasSize(warnings);
  }

  private static void doAssign(Random rnd, VectorMatrix m, Ref ref) {
    int cpu = rnd.nextInt(ref.n);
    int bit = ref.lowestFree(cpu);
    if (!ref.online[cpu] || bit < 0) {
      return;
    }
    m.setCurrentCpu(cpu);
    m.assign(bit);
    ref.used[cpu][bit] = true;
  }

  private static CpuMask randomMask(Random rnd, int n) {
    int kind = rnd.nextInt(10);
    if (kind == 0) {
      return CpuMask.EMPTY;
    }
    if (kind < 4) {
      return CpuMask.of(rnd.nextInt(n));
    }
    CpuMask msk = CpuMask.EMPTY;
    for (int c = 0; c < n; c++) {
      if (rnd.nextBoolean()) {
        msk = msk.with(c);
      }
    }
    return msk;
  }

  private static void check(VectorMatrix m, Ref ref) {
    int sumOnlineAvail = 0;
    int sumAllocated = 0;
    int online = 0;
    for (int cpu = 0; cpu < ref.n; cpu++) {
      assertThat(m.isOnline(cpu)).isEqualTo(ref.online[cpu]);
      for (int bit = 0; bit < ref.bits; bit++) {
        if (m.isUsed(cpu, bit) != ref.used[cpu][bit]
            || m.isManagedBit(cpu, bit) != ref.mres[cpu][bit]) {
          fail("bitmaps differ at cpu " + cpu + " bit " + bit);
        }
        if (ref.used[cpu][bit] && ref.sys[bit]) {
          fail("system bit " + bit + " handed out on cpu " + cpu);
        }
      }
      assertThat(m.allocated(cpu)).isEqualTo(ref.count(cpu, true, false));
      assertThat(m.managed(cpu)).isEqualTo(ref.count(cpu, false, true));
      assertThat(m.managedAllocated(cpu)).isEqualTo(ref.count(cpu, true, true));
      assertThat(m.available(cpu)).as("available of cpu " + cpu).isEqualTo(ref.avail(cpu));
      sumAllocated += m.allocated(cpu);
      if (ref.online[cpu]) {
        sumOnlineAvail += m.available(cpu);
        online++;
      }
      m.setCurrentCpu(cpu);
      assertThat(m.available(true)).isEqualTo(m.globalAvailable() - m.available(cpu));
      assertThat(m.allocated()).isEqualTo(m.allocated(cpu) - m.managedAllocated(cpu));
    }
    assertThat(m.onlineMaps()).isEqualTo(online);
    assertThat(m.globalAvailable()).isEqualTo(sumOnlineAvail);
    assertThat(m.totalAllocated()).isEqualTo(sumAllocated + ref.leaked);
    assertThat(m.reservedCount()).isEqualTo(ref.reserved);
  }

  /** Sets per CPU plus the two documented accounting quirks (stale budget, offline frees). */
  private static final class Ref {
    final int n;
    final int bits;
    final int start;
    final int end;
    final boolean[] sys;
    final boolean[][] used;
    final boolean[][] mres;
    final boolean[] online;
    final boolean[] init;
    final int[] drift; // managed reserve/remove on an offline, initialized CPU
    int sysInAlloc;
    int reserved;
    int leaked; // frees on offline CPUs never leave total_allocated

    Ref(int n, int bits, int start, int end) {
      this.n = n;
      this.bits = bits;
      this.start = start;
      this.end = end;
      sys = new boolean[bits];
      used = new boolean[n][bits];
      mres = new boolean[n][bits];
      online = new boolean[n];
      init = new boolean[n];
      drift = new int[n];
    }

    int count(int cpu, boolean inUsed, boolean inMres) {
      int c = 0;
      for (int b = 0; b < bits; b++) {
        if ((!inUsed || used[cpu][b]) && (!inMres || mres[cpu][b])) {
          c++;
        }
      }
      return c;
    }

    int avail(int cpu) {
      if (!init[cpu]) {
        return 0;
      }
      int nonManagedUsed = count(cpu, true, false) - count(cpu, true, true);
      return end - start - sysInAlloc - count(cpu, false, true) - nonManagedUsed + drift[cpu];
    }

    boolean anyDrift() {
      for (int d : drift) {
        if (d != 0) {
          return true;
        }
      }
      return false;
    }

    void online(int cpu) {
      online[cpu] = true;
      init[cpu] = true;
    }

    void offline(int cpu) {
      online[cpu] = false;
    }

    int lowestFree(int cpu) {
      for (int b = start; b < end; b++) {
        if (!used[cpu][b] && !mres[cpu][b] && !sys[b]) {
          return b;
        }
      }
      return -1;
    }

    int lowestManagedFree(int cpu) {
      for (int b = 0; b < bits; b++) {
        if (mres[cpu][b] && !used[cpu][b]) {
          return b;
        }
      }
      return -1;
    }

    int bestCpu(CpuMask msk) {
      int best = -1;
      for (int c = 0; c < n; c++) {
        // unsigned as in C: a budget driven below zero by the quirks looks huge
        if (msk.contains(c) && online[c] && avail(c) != 0
            && (best < 0 || Integer.compareUnsigned(avail(c), avail(best)) > 0)) {
          best = c;
        }
      }
      return best;
    }

    int bestManagedCpu(CpuMask msk) {
      int best = -1;
      for (int c = n - 1; c >= 0; c--) {
        if (msk.contains(c) && online[c]
            && (best < 0 || count(c, true, true) < count(best, true, true))) {
          best = c;
        }
      }
      return best;
    }

    boolean reserveManaged(CpuMask msk) {
      for (int c = 0; c < n; c++) {
        if (!msk.contains(c)) {
          continue;
        }
        int b = lowestFree(c);
        if (b < 0) {
          for (int r = 0; r < c; r++) {
            if (msk.contains(r)) {
              removeOne(r);
            }
          }
          return false;
        }
        mres[c][b] = true;
        if (init[c] && !online[c]) {
          drift[c]++;
        }
      }
      return true;
    }

    /** Returns the number of warnings expected. */
    int removeManaged(CpuMask msk) {
      int warnings = 0;
      for (int c = 0; c < n; c++) {
        if (msk.contains(c) && !removeOne(c)) {
          warnings++;
        }
      }
      return warnings;
    }

    private boolean removeOne(int c) {
      int b = lowestManagedFree(c);
      if (b < 0) {
        return false;
      }
      mres[c][b] = false;
      if (init[c] && !online[c]) {
        drift[c]--;
      }
      return true;
    }
  }
}
