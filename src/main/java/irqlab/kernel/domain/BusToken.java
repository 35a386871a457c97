package irqlab.kernel.domain;

/**
 * enum irq_domain_bus_token (include/linux/irqdomain_defs.h). Debugfs appends the number to
 * per-device domain names ("PCI-MSIX-0000:00:03.0-12").
 */
public enum BusToken {
  ANY(0),
  WIRED(1),
  GENERIC_MSI(2),
  PCI_MSI(3),
  PLATFORM_MSI(4),
  NEXUS(5),
  IPI(6),
  FSL_MC_MSI(7),
  TI_SCI_INTA_MSI(8),
  WAKEUP(9),
  VMD_MSI(10),
  PCI_DEVICE_MSI(11),
  PCI_DEVICE_MSIX(12),
  DMAR(13),
  AMDVI(14),
  PCI_DEVICE_IMS(15);

  private final int value;

  BusToken(int value) {
    this.value = value;
  }

  public int value() {
    return value;
  }
}
