package irqlab.kernel.x86;

/**
 * struct apic_chip_data with its irq_cfg: the vector and CPU an interrupt owns, the previous pair
 * while a move is under way, and the reservation and management state.
 */
public final class ApicChipData {
  final int irq;
  // Vectors (< 256) and CPUs (< 1024) are shorts: a million allocated interrupts each have one.
  /** hw_irq_cfg: what the message is composed from. */
  short cfgVector;
  int cfgDestApicId;
  short vector;
  short prevVector;
  short cpu;
  short prevCpu;
  boolean moveInProgress;
  boolean isManaged;
  boolean canReserve;
  boolean hasReserved;
  /** On its old CPU's cleanup list (the kernel's hlist clist is hashed). */
  boolean cleanupPending;

  ApicChipData(int irq) {
    this.irq = irq;
  }

  public int irq() {
    return irq;
  }

  public int vector() {
    return vector;
  }

  public int cpu() {
    return cpu;
  }

  public int prevVector() {
    return prevVector;
  }

  public int prevCpu() {
    return prevCpu;
  }

  public boolean moveInProgress() {
    return moveInProgress;
  }

  public boolean isManaged() {
    return isManaged;
  }

  public boolean canReserve() {
    return canReserve;
  }

  public boolean hasReserved() {
    return hasReserved;
  }

  public boolean cleanupPending() {
    return cleanupPending;
  }

  public int cfgVector() {
    return cfgVector;
  }

  public int cfgDestApicId() {
    return cfgDestApicId;
  }
}
