package irqlab.kernel.pci;

import irqlab.hw.pci.ConfigSpace;
import irqlab.hw.pci.PciFunction;

/**
 * The legacy INTx side of PCI functions: the Linux irq a device's pin is routed to when it is
 * enabled (pcibios_enable_irq, acpi_pci_irq_enable with the firmware's routing table), and the
 * command register's INTx disable bit (drivers/pci/pci.c pci_intx, drivers/pci/msi/msi.c
 * pci_intx_for_msi).
 */
public final class PciIntx {
  /** The firmware's answer for a pin: the Linux irq it is routed to, 0 when none. */
  @FunctionalInterface
  public interface Routing {
    int irqOf(PciDev dev);
  }

  private Routing routing;

  /** Installs the platform's routing (ACPI _PRT and the IO-APIC's GSI mapping); none: no INTx. */
  public void setRouting(Routing routing) {
    this.routing = routing;
  }

  /**
   * pci_enable_device's interrupt part: a function with a pin gets dev->irq from the routing
   * (once; a later enable finds it set).
   */
  public void enableDevice(PciDev dev) {
    if (dev.pin != 0 && dev.irq == 0 && routing != null) {
      dev.irq = routing.irqOf(dev);
    }
  }

  /**
   * A driver that requests dev->irq itself (not through pci_alloc_irq_vectors, as virtio-pci,
   * e1000e and ahci do on their last fallback): its vector 0 is the line from now on.
   */
  public static void useLine(PciDev dev, boolean use) {
    dev.intxInUse = use;
  }

  /** pci_intx: the command register's INTx disable bit, written only when it changes. */
  public static void intx(PciDev dev, boolean enable) {
    PciFunction fn = dev.function();
    int cmd = fn.configRead16(ConfigSpace.COMMAND);
    int next = enable ? cmd & ~ConfigSpace.COMMAND_INTX_DISABLE : cmd | ConfigSpace.COMMAND_INTX_DISABLE;
    if (next != cmd) {
      fn.configWrite16(ConfigSpace.COMMAND, next);
    }
  }

  /**
   * pci_intx_for_msi around MSI-X enable and disable. A function without an interrupt pin (every
   * device of a machine without chipset: nothing routes INTx there) is left alone, so that such
   * machines take no config accesses Linux would spend on a line that goes nowhere.
   */
  static void intxForMsi(PciDev dev, boolean enable) {
    if (dev.pin != 0) {
      intx(dev, enable);
    }
  }
}
