package irqlab.kernel.ims;

import irqlab.hw.ims.ImsSlotArray;
import irqlab.hw.pci.PciFunction;
import irqlab.kernel.irq.IrqChip;
import irqlab.kernel.irq.IrqData;
import irqlab.kernel.msi.MsiDesc;
import irqlab.kernel.msi.MsiMsg;
import irqlab.kernel.pci.PciIms;
import java.util.EnumSet;
import java.util.Set;

/**
 * The chip of an IMS slot array in device memory, after the IDXD chip of the v6.2 series
 * (drivers/irqchip/irq-pci-intel-idxd.c): the slot is the descriptor's index, every callback is a
 * direct MMIO access (so masking works from any context, hard interrupts included), writes that
 * must have landed are flushed by a read back, and shutdown clears the message and masks.
 */
public final class ImsArrayChip extends IrqChip implements PciIms.DescPreparer {
  /** The template's chip name; the domain becomes "IR-PCI-IDXD-&lt;bdf&gt;" under remapping. */
  public static final String NAME = "PCI-IDXD";
  private static final Set<Op> OPS = EnumSet.of(Op.MASK, Op.UNMASK, Op.WRITE_MSI_MSG, Op.SHUTDOWN);

  private final PciFunction fn;
  private final int bar;

  public ImsArrayChip(PciFunction fn, int bar) {
    super(NAME, FLAG_ONESHOT_SAFE);
    this.fn = fn;
    this.bar = bar;
  }

  @Override
  public boolean has(Op op) {
    return OPS.contains(op);
  }

  private int slotBase(IrqData d) {
    return ((MsiDesc) d.desc().msiDesc()).msiIndex() * ImsSlotArray.SLOT_SIZE;
  }

  private void writeAndFlush(int off, int value) {
    fn.mmioWrite32(bar, off, value);
    fn.mmioRead32(bar, off);
  }

  /** idxd_prepare_desc: a new slot starts masked, whatever it held before. */
  @Override
  public void prepareDesc(MsiDesc desc) {
    writeAndFlush(desc.msiIndex() * ImsSlotArray.SLOT_SIZE + ImsSlotArray.CTRL, ImsSlotArray.CTRL_MASKBIT);
  }

  @Override
  public void mask(IrqData d) {
    writeAndFlush(slotBase(d) + ImsSlotArray.CTRL, ImsSlotArray.CTRL_MASKBIT);
  }

  @Override
  public void unmask(IrqData d) {
    writeAndFlush(slotBase(d) + ImsSlotArray.CTRL, 0);
  }

  @Override
  public void writeMsiMsg(IrqData d, MsiMsg msg) {
    int b = slotBase(d);
    fn.mmioWrite32(bar, b + ImsSlotArray.ADDR_LO, msg.addressLo());
    fn.mmioWrite32(bar, b + ImsSlotArray.ADDR_HI, msg.addressHi());
    writeAndFlush(b + ImsSlotArray.DATA, msg.data());
    ((MsiDesc) d.desc().msiDesc()).setMsg(msg);
  }

  @Override
  public void shutdown(IrqData d) {
    int b = slotBase(d);
    fn.mmioWrite32(bar, b + ImsSlotArray.ADDR_LO, 0);
    fn.mmioWrite32(bar, b + ImsSlotArray.ADDR_HI, 0);
    fn.mmioWrite32(bar, b + ImsSlotArray.DATA, 0);
    writeAndFlush(b + ImsSlotArray.CTRL, ImsSlotArray.CTRL_MASKBIT);
  }
}
