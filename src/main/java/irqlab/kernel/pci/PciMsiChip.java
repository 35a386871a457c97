package irqlab.kernel.pci;

import irqlab.kernel.irq.IrqData;
import irqlab.kernel.msi.MsiDesc;
import irqlab.kernel.msi.MsiMsg;
import irqlab.kernel.msi.MsiParent;

/**
 * The per-device PCI-MSI chip (pci_msi_template in drivers/pci/msi/irqdomain.c, completed by the
 * parent as x86_init_dev_msi_info does): mask and unmask touch the MSI mask register, which only
 * a function with per-vector masking has; acks go to the APIC; the message is written through
 * config space by the first interrupt of the block only, since the block shares one address/data
 * pair.
 */
final class PciMsiChip extends PciDeviceChip {
  private final PciMsiCapability msi;

  PciMsiChip(String name, PciMsiCapability msi, MsiParent parent) {
    super(name, parent);
    this.msi = msi;
  }

  /** The bit of this interrupt within its descriptor's block. */
  private static int bit(IrqData d) {
    return 1 << (d.irq() - desc(d).irq());
  }

  /** pci_irq_mask_msi: a no-op without per-vector masking (pci_msi_mask checks can_mask). */
  @Override
  public void mask(IrqData d) {
    msi.mask(d.desc(), desc(d), bit(d));
  }

  @Override
  public void unmask(IrqData d) {
    msi.unmask(d.desc(), desc(d), bit(d));
  }

  /** pci_msi_domain_write_msg: only the block's first interrupt writes. */
  @Override
  public void writeMsiMsg(IrqData d, MsiMsg msg) {
    MsiDesc md = desc(d);
    if (md.irq() == d.irq()) {
      msi.writeMsg(d.desc(), md, msg);
    }
  }
}
