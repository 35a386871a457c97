package irqlab.hw;

/**
 * A unit between the devices and the local APICs that translates interrupt requests (an IOMMU's
 * interrupt remapping). The platform bus hands it every write to the interrupt address window.
 */
public interface InterruptRemapper {
  /** Returned by {@link #remap} for a request the unit blocked (it recorded the fault itself). */
  int BLOCKED = -1;

  /**
   * Translates a write of {@code data} to {@code address} by {@code requesterId}: returns
   * {@code (apicId << 8) | vector} of the fixed-mode interrupt to deliver, or {@link #BLOCKED}.
   */
  int remap(int requesterId, long address, int data);
}
