package irqlab.kernel.pci;

import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.irq.IrqChip;
import irqlab.kernel.irq.IrqData;
import irqlab.kernel.msi.MsiDesc;
import irqlab.kernel.msi.MsiParent;
import java.util.EnumSet;
import java.util.Set;

/**
 * What the per-device PCI chips (MSI, MSI-X, IMS) take from their parent, as MSI_FLAG_USE_DEF_CHIP_OPS and the
 * x86 parent fill them in (kernel/irq/msi.c, arch/x86/kernel/apic/msi.c): ack and retrigger go
 * down the hierarchy, affinity is the parent's. Subclasses do the masking and message writes.
 */
abstract class PciDeviceChip extends IrqChip {
  private static final Set<Op> OPS =
      EnumSet.of(Op.MASK, Op.UNMASK, Op.ACK, Op.SET_AFFINITY, Op.WRITE_MSI_MSG, Op.RETRIGGER);

  private final MsiParent parent;

  PciDeviceChip(String name, MsiParent parent) {
    this(name, FLAG_SKIP_SET_WAKE | FLAG_ONESHOT_SAFE | FLAG_AFFINITY_PRE_STARTUP, parent);
  }

  PciDeviceChip(String name, int flags, MsiParent parent) {
    super(name, flags);
    this.parent = parent;
  }

  @Override
  public boolean has(Op op) {
    return OPS.contains(op);
  }

  static MsiDesc desc(IrqData d) {
    return (MsiDesc) d.desc().msiDesc();
  }

  /** irq_chip_ack_parent. */
  @Override
  public final void ack(IrqData d) {
    ackParent(d);
  }

  @Override
  public final int setAffinity(IrqData d, CpuMask dest, boolean force) {
    return parent.setAffinity(d, dest, force);
  }

  /** irq_chip_retrigger_hierarchy continues in the parent. */
  @Override
  public final boolean retrigger(IrqData d) {
    return retriggerHierarchy(d.parent());
  }
}
