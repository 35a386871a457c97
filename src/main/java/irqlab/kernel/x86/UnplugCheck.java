package irqlab.kernel.x86;

/**
 * The numbers lapic_can_unplug_cpu (arch/x86/kernel/apic/vector.c) weighs on a CPU about to go
 * down: the unmanaged vectors it holds ({@code toMove}, irq_matrix_allocated), what the other
 * online CPUs have available (irq_matrix_available with cpudown) and the global reservation
 * (irq_matrix_reserved). The CPU may go when the vectors fit; reservations that do not fit only
 * earn a warning. Compared unsigned, as the kernel's unsigned ints are.
 */
public record UnplugCheck(int cpu, int toMove, int available, int reserved) {
  /** The matrix's answer for {@code cpu} now. */
  public static UnplugCheck of(VectorMatrix m, int cpu) {
    return new UnplugCheck(cpu, m.allocatedUnmanaged(cpu), m.available(true, cpu), m.reservedCount());
  }

  /** avl >= tomove: the CPU can go (else -ENOSPC, "Cannot disable CPU"). */
  public boolean fits() {
    return Integer.compareUnsigned(available, toMove) >= 0;
  }

  /** avl >= rsvd (else "Reserved vectors N > available M. IRQ request may fail"). */
  public boolean reservedFit() {
    return Integer.compareUnsigned(available, reserved) >= 0;
  }
}
