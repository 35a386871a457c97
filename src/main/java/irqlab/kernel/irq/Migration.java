package irqlab.kernel.irq;

import irqlab.kernel.Errno;
import irqlab.kernel.Kernel;
import irqlab.kernel.KernelException;

/**
 * kernel/irq/migration.c: a move that could not be done from process context is carried out by
 * the next interrupt of the line, in its acknowledge path, with the line masked so that the device
 * cannot signal through a half-written message.
 */
public final class Migration {
  private final Kernel k;

  public Migration(Kernel k) {
    this.k = k;
  }

  /** irq_move_irq: called from the APIC ack of every interrupt; cheap when nothing is pending. */
  public void irqMoveIrq(IrqData any) {
    IrqDesc desc = any.desc();
    IrqData d = desc.data();
    if (!d.is(IrqdState.SETAFFINITY_PENDING) || d.is(IrqdState.IRQ_DISABLED)) {
      return;
    }
    boolean unmaskedUpdate = k.variants().on(irqlab.kernel.Variants.MSIX_UNMASKED_UPDATE);
    boolean masked = d.is(IrqdState.IRQ_MASKED);
    if (!masked && !unmaskedUpdate) {
      d.chip().mask(d);
    }
    irqMoveMaskedIrq(desc);
    if (!masked && !unmaskedUpdate) {
      d.chip().unmask(d);
    }
  }

  /** irq_move_masked_irq: EBUSY from the vector layer leaves the move pending for the next interrupt. */
  public void irqMoveMaskedIrq(IrqDesc desc) {
    IrqData d = desc.data();
    if (!d.is(IrqdState.SETAFFINITY_PENDING)) {
      return;
    }
    d.clear(IrqdState.SETAFFINITY_PENDING);
    if (desc.pendingMask().isEmpty() || !d.chip().has(IrqChip.Op.SET_AFFINITY)) {
      return;
    }
    if (desc.pendingMask().intersects(k.onlineMask())) {
      try {
        k.manage().irqDoSetAffinity(desc, desc.pendingMask(), false);
      } catch (KernelException e) {
        if (e.errno() == Errno.EBUSY) {
          d.set(IrqdState.SETAFFINITY_PENDING);
          return;
        }
        // Any other error (ENOSPC: no vector free on the new CPUs) drops the move without a word
        // (kernel/irq/migration.c irq_move_masked_irq): the line stays where it was.
      }
    }
    desc.setPendingMask(irqlab.kernel.cpu.CpuMask.EMPTY);
  }
}
