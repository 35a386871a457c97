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
 * The per-device PCI-MSIX chip (drivers/pci/msi/irqdomain.c): mask and unmask through the entry's
 * vector control, acks go to the parent (the APIC), messages are written into the table, and
 * affinity is whatever the MSI parent provides.
 */
final class PciMsixChip extends IrqChip {
  private static final Set<Op> OPS =
      EnumSet.of(Op.MASK, Op.UNMASK, Op.ACK, Op.SET_AFFINITY, Op.WRITE_MSI_MSG, Op.RETRIGGER);

  private final PciMsi msi;
  private final MsiParent parent;

  PciMsixChip(String name, PciMsi msi, MsiParent parent) {
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

  @Override
  public void mask(IrqData d) {
    msi.msixMask(d.desc(), desc(d));
  }

  @Override
  public void unmask(IrqData d) {
    msi.msixUnmask(d.desc(), desc(d));
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

  @Override
  public void writeMsiMsg(IrqData d, MsiMsg msg) {
    msi.writeMsiMsg(d.desc(), desc(d), msg);
  }
}
