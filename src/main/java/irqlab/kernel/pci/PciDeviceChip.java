package irqlab.kernel.pci;

import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.irq.IrqChip;
import irqlab.kernel.irq.IrqData;
import irqlab.kernel.msi.MsiDesc;
import irqlab.kernel.msi.MsiParent;
import java.util.EnumSet;
import java.util.Set;

/**
 * What the PCI MSI and MSI-X chips take from their parent, as MSI_FLAG_USE_DEF_CHIP_OPS and the
 * x86 parent fill them in (kernel/irq/msi.c, arch/x86/kernel/apic/msi.c): ack and retrigger go
 * down the hierarchy, affinity is the parent's. Subclasses do the masking and message writes.
 */
abstract class PciDeviceChip extends IrqChip {
  private static final Set<Op> OPS =
      EnumSet.of(Op.MASK, Op.UNMASK, Op.ACK, Op.SET_AFFINITY, Op.WRITE_MSI_MSG, Op.RETRIGGER);

  private final MsiParent parent;

  PciDeviceChip(String name, MsiParent parent) {
    super(name, FLAG_SKIP_SET_WAKE | FLAG_ONESHOT_SAFE | FLAG_AFFINITY_PRE_STARTUP);
    this.parent = parent;
  }

  @Override
  public final boolean has(Op op) {
    return OPS.contains(op);
  }

  static MsiDesc desc(IrqData d) {
    return (MsiDesc) d.desc().msiDesc();
  }

  /** irq_chip_ack_parent. */
  @Override
  public final void ack(IrqData d) {
    d.parent().chip().ack(d.parent());
  }

  @Override
  public final int setAffinity(IrqData d, CpuMask dest, boolean force) {
    return parent.setAffinity(d, dest, force);
  }

  /** irq_chip_retrigger_hierarchy continues in the parent. */
  @Override
  public final boolean retrigger(IrqData d) {
    for (IrqData p = d.parent(); p != null; p = p.parent()) {
      if (p.chip() != null && p.chip().has(Op.RETRIGGER)) {
        return p.chip().retrigger(p);
      }
    }
    return false;
  }
}
