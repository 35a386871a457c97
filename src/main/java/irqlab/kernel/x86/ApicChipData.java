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
  /** The destination APIC ID (x2APIC cluster mode: cluster << 16 | the CPU's bit). */
  int cfgDestApicId;
  short vector;
  short prevVector;
  short cpu;
  short prevCpu;
  /** move_in_progress, is_managed, can_reserve, has_reserved, and whether it is on its old CPU's cleanup list. */
  private byte flags;
  private static final int MOVE_IN_PROGRESS = 1;
  private static final int IS_MANAGED = 2;
  private static final int CAN_RESERVE = 4;
  private static final int HAS_RESERVED = 8;
  /** On its old CPU's cleanup list (the kernel's hlist clist is hashed). */
  private static final int CLEANUP_PENDING = 16;

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
    return (flags & MOVE_IN_PROGRESS) != 0;
  }

  void setMoveInProgress(boolean on) {
    setFlag(MOVE_IN_PROGRESS, on);
  }

  public boolean isManaged() {
    return (flags & IS_MANAGED) != 0;
  }

  void setManaged(boolean on) {
    setFlag(IS_MANAGED, on);
  }

  public boolean canReserve() {
    return (flags & CAN_RESERVE) != 0;
  }

  void setCanReserve(boolean on) {
    setFlag(CAN_RESERVE, on);
  }

  public boolean hasReserved() {
    return (flags & HAS_RESERVED) != 0;
  }

  void setHasReserved(boolean on) {
    setFlag(HAS_RESERVED, on);
  }

  public boolean cleanupPending() {
    return (flags & CLEANUP_PENDING) != 0;
  }

  void setCleanupPending(boolean on) {
    setFlag(CLEANUP_PENDING, on);
  }

  public int cfgVector() {
    return cfgVector;
  }

  public int cfgDestApicId() {
    return cfgDestApicId;
  }

  private void setFlag(int bit, boolean on) {
    flags = (byte) (on ? flags | bit : flags & ~bit);
  }

  void setCfgDestApicId(int apicId) {
    cfgDestApicId = apicId;
  }
}
