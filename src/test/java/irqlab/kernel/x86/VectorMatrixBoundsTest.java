package irqlab.kernel.x86;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import irqlab.kernel.cpu.CpuMask;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The edges of the matrix (kernel/irq/matrix.c): the first and last bit of each range, the last
 * CPU, and the checks irq_alloc_matrix, irq_matrix_assign, irq_matrix_assign_system and
 * irq_matrix_free make there.
 */
class VectorMatrixBoundsTest {
  /** alloc_start 0x20, alloc_end FIRST_SYSTEM_VECTOR 0xeb (235): 203 device bits. */
  private static final int END = VectorMatrix.FIRST_SYSTEM_VECTOR;

  @Test
  void geometryEdgesAreAcceptedAndOneBeyondRefused() {
    assertThat(new VectorMatrix(1024).nrCpus()).isEqualTo(1024);
    assertThat(new VectorMatrix(1, 256, 0, 256).matrixBits()).isEqualTo(256);
    assertThat(new VectorMatrix(1, 1, 1, 1).allocStart()).isEqualTo(1);
    for (int[] bad : new int[][] {{0, 256, 32, 235}, {1025, 256, 32, 235}, {1, 0, 0, 0}, {1, 257, 32, 235},
        {1, 256, -1, 235}, {1, 256, 236, 235}, {1, 100, 32, 101}}) {
      assertThatThrownBy(() -> new VectorMatrix(bad[0], bad[1], bad[2], bad[3]))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void aMatrixOfOddSizeUsesItsLastBit() {
    // 100 bits take two 64-bit words; the allocation range runs to bit 99.
    VectorMatrix m = new VectorMatrix(1, 100, 0, 100);
    m.online(0);
    assertThat(m.available(0)).isEqualTo(100);
    for (int i = 0; i < 100; i++) {
      assertThat(m.alloc(CpuMask.of(0), false).vector()).isEqualTo(i);
    }
    assertThat(m.isUsed(0, 0)).isTrue();
    assertThat(m.isUsed(0, 99)).isTrue();
    assertThat(m.isUsed(0, 100)).isFalse();
    assertThat(m.isUsed(0, -1)).isFalse();
    assertThat(m.usedList(0)).isEqualTo("0-99");
  }

  @Test
  void aManagedReservationAtBitZeroIsSeen() {
    VectorMatrix m = new VectorMatrix(1, 64, 0, 64);
    m.online(0);
    assertThat(m.reserveManaged(CpuMask.of(0))).isZero();
    assertThat(m.isManagedBit(0, 0)).isTrue();
    assertThat(m.isManagedBit(0, 64)).isFalse();
    assertThat(m.isManagedBit(0, -1)).isFalse();
    assertThat(m.allocManaged(CpuMask.of(0)).vector()).isZero();
  }

  @Test
  void systemBitsAtTheEdges() {
    VectorMatrix m = VectorMatrix.x86Boot(2);
    assertThat(m.isSystem(0)).isTrue(); // #DE
    assertThat(m.isSystem(255)).isTrue(); // spurious
    assertThat(m.isSystem(256)).isFalse();
    assertThat(m.isSystem(-1)).isFalse();
    assertThat(m.isSystem(END)).isFalse(); // 0xeb: no CONFIG_X86_POSTED_MSI
  }

  @Test
  void onlyASystemBitInsideTheAllocationRangeCostsEachCpuAVector() {
    VectorMatrix in = new VectorMatrix(1);
    in.assignSystem(END - 1, false);
    in.online(0);
    assertThat(in.systemBitsInAlloc()).isEqualTo(1);
    assertThat(in.available(0)).isEqualTo(END - VectorMatrix.FIRST_EXTERNAL_VECTOR - 1);

    VectorMatrix out = new VectorMatrix(1);
    out.assignSystem(END, false);
    out.assignSystem(VectorMatrix.FIRST_EXTERNAL_VECTOR - 1, false);
    out.online(0);
    assertThat(out.systemBitsInAlloc()).isZero();
    assertThat(out.available(0)).isEqualTo(END - VectorMatrix.FIRST_EXTERNAL_VECTOR);

    VectorMatrix first = new VectorMatrix(1);
    first.assignSystem(VectorMatrix.FIRST_EXTERNAL_VECTOR, false);
    assertThat(first.systemBitsInAlloc()).isEqualTo(1);
  }

  @Test
  void aSystemBitOutsideTheMatrixIsABug() {
    VectorMatrix m = new VectorMatrix(1);
    m.assignSystem(255, false);
    assertThatThrownBy(() -> m.assignSystem(256, false)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> m.assignSystem(-1, false)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void assignAndFreeWarnOutsideTheAllocationRangeAndChangeNothing() {
    VectorMatrix m = VectorMatrix.x86Boot(1);
    int avl = m.available(0);
    // irq_matrix_assign: WARN_ON_ONCE(bit < alloc_start || bit >= alloc_end)
    m.assign(END);
    m.assign(VectorMatrix.FIRST_EXTERNAL_VECTOR - 1);
    assertThat(m.warnings()).containsExactly("assign: bit 235 outside the allocation range",
        "assign: bit 31 outside the allocation range");
    assertThat(m.available(0)).isEqualTo(avl);
    m.assign(END - 1);
    assertThat(m.isUsed(0, END - 1)).isTrue();
    assertThat(m.available(0)).isEqualTo(avl - 1);
    // irq_matrix_free: the same check.
    m.free(0, END, false);
    m.free(0, VectorMatrix.FIRST_EXTERNAL_VECTOR - 1, false);
    assertThat(m.warnings()).hasSize(4).endsWith("free: bit 235 outside the allocation range",
        "free: bit 31 outside the allocation range");
    m.free(0, END - 1, false);
    assertThat(m.isUsed(0, END - 1)).isFalse();
    assertThat(m.available(0)).isEqualTo(avl);
    assertThat(m.warnings()).hasSize(4);
  }

  @Test
  void equalCpusTieToTheLowest() {
    VectorMatrix m = VectorMatrix.x86Boot(4);
    assertThat(m.alloc(CpuMask.first(4), false).cpu()).isZero();
    assertThat(m.alloc(CpuMask.first(4), false).cpu()).isEqualTo(1);
    assertThat(m.alloc(CpuMask.of(2, 3), false).cpu()).isEqualTo(2);
  }

  /** Every per-CPU call refuses the CPU one past the last (nr_cpu_ids) and -1. */
  @Test
  void everyPerCpuCallRefusesACpuOutsideTheMatrix() {
    VectorMatrix m = VectorMatrix.x86Boot(2);
    List<Consumer<Integer>> calls = List.of(m::setCurrentCpu, m::online, m::offline, m::available,
        m::allocated, m::managed, m::managedAllocated, m::isOnline, m::allocatedUnmanaged,
        cpu -> m.available(true, cpu), cpu -> m.isUsed(cpu, 40), cpu -> m.isManagedBit(cpu, 40),
        cpu -> m.free(cpu, 40, false), m::usedList);
    for (Consumer<Integer> c : calls) {
      assertThatThrownBy(() -> c.accept(2)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> c.accept(-1)).isInstanceOf(IllegalArgumentException.class);
    }
    // Masks beyond nr_cpu_ids.
    assertThatThrownBy(() -> m.alloc(CpuMask.of(2), false)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> m.reserveManaged(CpuMask.of(2))).isInstanceOf(IllegalArgumentException.class);
    assertThat(m.alloc(CpuMask.of(1), false).cpu()).isEqualTo(1);
  }
  /** matrix_alloc_area finding nothing free up to the end of the map: a managed reservation is ENOSPC. */
  @Test
  void aFullMatrixWithNoBitsBeyondItsRangeRefusesAManagedReservation() {
    VectorMatrix m = new VectorMatrix(1, 64, 0, 64);
    m.online(0);
    for (int i = 0; i < 64; i++) {
      m.alloc(CpuMask.of(0), false);
    }
    assertThatThrownBy(() -> m.reserveManaged(CpuMask.of(0))).isInstanceOfSatisfying(
        irqlab.kernel.KernelException.class, e -> assertThat(e.errno()).isEqualTo(irqlab.kernel.Errno.ENOSPC));
    assertThat(m.managed(0)).isZero();
  }

  /** irq_matrix_alloc_managed takes the first reserved, unallocated bit, beyond the first word too. */
  @Test
  void aManagedBitAboveTheFirstWordIsFound() {
    VectorMatrix m = VectorMatrix.x86Boot(1);
    while (!m.isUsed(0, 63)) {
      m.alloc(CpuMask.of(0), false);
    }
    m.reserveManaged(CpuMask.of(0));
    assertThat(m.isManagedBit(0, 64)).isTrue();
    assertThat(m.allocManaged(CpuMask.of(0)).vector()).isEqualTo(64);
  }

  /** irq_matrix_assign_system with replace: the CPU's allocated bit becomes a system bit. */
  @Test
  void aReplacedAssignedVectorBecomesSystemAndLeavesTheCounts() {
    VectorMatrix m = new VectorMatrix(1);
    m.online(0);
    m.assign(0x31);
    assertThat(m.allocated(0)).isEqualTo(1);
    assertThat(m.totalAllocated()).isEqualTo(1);
    m.assignSystem(0x31, true);
    assertThat(m.allocated(0)).isZero();
    assertThat(m.totalAllocated()).isZero();
    assertThat(m.isUsed(0, 0x31)).isFalse();
    assertThat(m.isSystem(0x31)).isTrue();
    // An unallocated bit cannot be replaced: BUG_ON(!test_and_clear_bit(...)).
    assertThatThrownBy(() -> m.assignSystem(0x40, true)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void bitsPastAWholeWordMapAreNotUsed() {
    VectorMatrix m = VectorMatrix.x86Boot(2);
    assertThat(m.isUsed(0, 256)).isFalse();
    assertThat(m.isManagedBit(0, 256)).isFalse();
    assertThatThrownBy(() -> m.allocManaged(CpuMask.of(2))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> m.removeManaged(CpuMask.of(2))).isInstanceOf(IllegalArgumentException.class);
  }
}
