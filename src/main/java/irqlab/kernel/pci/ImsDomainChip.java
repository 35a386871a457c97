package irqlab.kernel.pci;

import irqlab.kernel.irq.IrqChip;
import irqlab.kernel.irq.IrqData;
import irqlab.kernel.msi.MsiMsg;
import irqlab.kernel.msi.MsiParent;

/**
 * The chip of a PCI/IMS domain: the driver's template chip (mask, unmask, write_msi_msg, and
 * optionally startup, shutdown, disable and the slow-bus pair) completed the way the MSI core and
 * the x86 parent complete every device MSI chip (msi_domain_update_chip_ops, x86_init_dev_msi_info):
 * ack and retrigger go down the hierarchy and affinity is the parent's, which recomposes the
 * message and hands it to the driver's write_msi_msg. It carries the domain's name, so that
 * /proc/interrupts shows "IR-PCI-IDXD-0000:00:04.0".
 */
final class ImsDomainChip extends PciDeviceChip {
  private final IrqChip driverChip;

  ImsDomainChip(String name, IrqChip driverChip, MsiParent parent) {
    super(name, driverChip.flags() | FLAG_SKIP_SET_WAKE | FLAG_AFFINITY_PRE_STARTUP, parent);
    this.driverChip = driverChip;
  }

  /** The driver's chip behind this one. */
  IrqChip driverChip() {
    return driverChip;
  }

  @Override
  public boolean has(Op op) {
    switch (op) {
      case ACK:
      case RETRIGGER:
      case SET_AFFINITY:
        return true;
      case COMPOSE_MSI_MSG:
        return false;
      default:
        return driverChip.has(op);
    }
  }

  @Override
  public void mask(IrqData d) {
    driverChip.mask(d);
  }

  @Override
  public void unmask(IrqData d) {
    driverChip.unmask(d);
  }

  @Override
  public void writeMsiMsg(IrqData d, MsiMsg msg) {
    driverChip.writeMsiMsg(d, msg);
  }

  @Override
  public void startup(IrqData d) {
    driverChip.startup(d);
  }

  @Override
  public void shutdown(IrqData d) {
    driverChip.shutdown(d);
  }

  @Override
  public void enable(IrqData d) {
    driverChip.enable(d);
  }

  @Override
  public void disable(IrqData d) {
    driverChip.disable(d);
  }

  @Override
  public void eoi(IrqData d) {
    driverChip.eoi(d);
  }

  @Override
  public void busLock(IrqData d) {
    driverChip.busLock(d);
  }

  @Override
  public void busSyncUnlock(IrqData d) {
    driverChip.busSyncUnlock(d);
  }
}
