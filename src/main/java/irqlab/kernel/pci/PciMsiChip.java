package irqlab.kernel.pci;

import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.irq.IrqChip;
import irqlab.kernel.irq.IrqData;
import irqlab.kernel.msi.MsiDesc;
import irqlab.kernel.msi.MsiMsg;
import irqlab.kernel.msi.MsiParent;
import java.util.EnumSet;
import java.util.Set;

/**
 * The per-device PCI-MSI chip (pci_msi_template in drivers/pci/msi/irqdomain.c, completed by the
 * parent as x86_init_dev_msi_info does): mask and unmask touch the MSI mask register, which only
 * a function with per-vector masking has; acks go to the APIC; the message is written through
 * config space by the first interrupt of the block only, since the block shares one address/data
 * pair.
 */
final class PciMsiChip extends IrqChip {
  private static final Set<Op> OPS =
      EnumSet.of(Op.MASK, Op.UNMASK, Op.ACK, Op.SET_AFFINITY, Op.WRITE_MSI_MSG, Op.RETRIGGER);

  private final PciMsiCapability msi;
  private final MsiParent parent;

  PciMsiChip(String name, PciMsiCapability msi, MsiParent parent) {
    super(name, FLAG_SKIP_SET_WAKE | FLAG_ONESHOT_SAFE | FLAG_AFFINITY_PRE_STARTUP);
    this.msi = msi;
    this.parent = parent;
  }

  @Override
  public boolean has(Op op) {
    return OPS.contains(op);
  }

  private static MsiDesc desc(IrqData d) {
    return (MsiDesc) d.desc().msiDesc();
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

  /** irq_chip_ack_parent. */
  @Override
  public void ack(IrqData d) {
    d.parent().chip().ack(d.parent());
  }

  @Override
  public int setAffinity(IrqData d, CpuMask dest, boolean force) {
    return parent.setAffinity(d, dest, force);
  }

  /** irq_chip_retrigger_hierarchy continues in the parent. */
  @Override
  public boolean retrigger(IrqData d) {
    for (IrqData p = d.parent(); p != null; p = p.parent()) {
      if (p.chip() != null && p.chip().has(Op.RETRIGGER)) {
        return p.chip().retrigger(p);
      }
    }
    return false;
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
