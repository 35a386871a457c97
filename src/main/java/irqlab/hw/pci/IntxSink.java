package irqlab.hw.pci;

/**
 * Where a function's INTx pin is wired (a chipset's PCI interrupt router, wired-OR onto an
 * IO-APIC input). Told every change of the pin's level.
 */
@FunctionalInterface
public interface IntxSink {
  void level(PciFunction fn, boolean asserted);
}
