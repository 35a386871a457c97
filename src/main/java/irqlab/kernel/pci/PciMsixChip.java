package irqlab.kernel.pci;

import irqlab.kernel.irq.IrqData;
import irqlab.kernel.msi.MsiMsg;
import irqlab.kernel.msi.MsiParent;

/**
 * The per-device PCI-MSIX chip (drivers/pci/msi/irqdomain.c): mask and unmask through the entry's
 * vector control, acks go to the parent (the APIC), messages are written into the table, and
 * affinity is whatever the MSI parent provides.
 */
final class PciMsixChip extends PciDeviceChip {
  private final PciMsi msi;

  PciMsixChip(String name, PciMsi msi, MsiParent parent) {
    super(name, parent);
    this.msi = msi;
  }

  @Override
  public void mask(IrqData d) {
    msi.msixMask(d.desc(), desc(d));
  }

  @Override
  public void unmask(IrqData d) {
    msi.msixUnmask(d.desc(), desc(d));
  }

  @Override
  public void writeMsiMsg(IrqData d, MsiMsg msg) {
    msi.writeMsiMsg(d.desc(), desc(d), msg);
  }
}
