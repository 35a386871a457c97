package irqlab.hw.pci;

/**
 * Where a PCI function's posted memory writes go, its MSI and MSI-X messages among them: the
 * platform bus for a function under the host bridge, or the device that owns the function's PCI
 * domain (a VMD, which catches its children's messages and raises its own).
 */
@FunctionalInterface
public interface Upstream {
  /**
   * A posted write of 32-bit {@code data} to {@code address} by {@code requesterId}, signalling
   * the function's interrupt {@code source} (MSI-X entry or MSI vector; -1 when it is none).
   */
  void memoryWrite(int requesterId, long address, int data, int source);
}
