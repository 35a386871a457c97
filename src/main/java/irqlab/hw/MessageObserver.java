package irqlab.hw;

/** Watches interrupt messages on the platform bus; the oracle and the trace listen here. */
public interface MessageObserver {
  /** A message reached CPU {@code cpu}'s APIC as {@code vector}. */
  default void delivered(int requesterId, long address, int data, int cpu, int vector) {}

  /**
   * As {@link #delivered(int, long, int, int, int)}, knowing which of the function's interrupts
   * the device signalled: {@code source} is the MSI-X entry or the vector of the MSI block, -1 when
   * unknown (a spoofed write, an IMS slot, the remapping unit's own fault event). {@code origin}
   * is the requester id of the function that signalled it: {@code requesterId} itself, except
   * for a child's message a VMD in bypass mode forwards as its own.
   */
  default void delivered(int requesterId, long address, int data, int cpu, int vector, int origin, int source) {
    delivered(requesterId, address, data, cpu, vector);
  }

  /** A message was dropped: no APIC has the destination, or the address is not an interrupt. */
  default void dropped(int requesterId, long address, int data, String why) {}

  /**
   * The interrupt remapping unit blocked a message with VT-d fault reason {@code faultReason}
   * (0x20..0x26) for remapping table index {@code index} (0 when the request had none).
   */
  default void blocked(int requesterId, long address, int data, int faultReason, int index) {}
}
