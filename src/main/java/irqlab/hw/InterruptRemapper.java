package irqlab.hw;

/**
 * A unit between the devices and the local APICs that translates interrupt requests (an IOMMU's
 * interrupt remapping). The platform bus hands it every write to the interrupt address window.
 */
public interface InterruptRemapper {
  /** Returned by {@link #remap} for a request the unit blocked (it recorded the fault itself). */
  long BLOCKED = -1;

  /** The destination-mode bit of a {@link #remap} result: the destination is a logical x2APIC id. */
  long LOGICAL = 1L << 40;

  /**
   * Translates a write of {@code data} to {@code address} by {@code requesterId}: returns the
   * fixed-mode interrupt to deliver, {@code vector | (destination << 8)} with the 32-bit
   * destination (an APIC id, or with {@link #LOGICAL} an x2APIC logical id), or {@link #BLOCKED}.
   */
  long remap(int requesterId, long address, int data);

  /** A {@link #remap} result. */
  static long target(int destination, int vector, boolean logical) {
    return (vector & 0xff) | ((destination & 0xffffffffL) << 8) | (logical ? LOGICAL : 0);
  }
}
