package irqlab.kernel.irq;

import irqlab.kernel.Kernel;

/**
 * kernel/irq/resend.c: an edge interrupt that arrived while its line was disabled is replayed
 * when the line is enabled again, by the chip's retrigger (an IPI to the target vector on x86).
 */
public final class Resend {
  private final Kernel k;

  public Resend(Kernel k) {
    this.k = k;
  }

  /** check_irq_resend; returns 0, or -EBUSY while a replay is already under way. */
  public int checkIrqResend(IrqDesc desc, boolean inject) {
    if (desc.istate(IrqsState.REPLAY)) {
      return -16;
    }
    if (!desc.istate(IrqsState.PENDING) && !inject) {
      return 0;
    }
    desc.clearIstate(IrqsState.PENDING);
    if (tryRetrigger(desc)) {
      desc.setIstate(IrqsState.REPLAY);
    }
    return 0;
  }

  /** irq_chip_retrigger_hierarchy: the first level with a retrigger callback does it. */
  private boolean tryRetrigger(IrqDesc desc) {
    for (IrqData d = desc.data(); d != null; d = d.parent()) {
      if (d.chip() != null && d.chip().has(IrqChip.Op.RETRIGGER)) {
        return d.chip().retrigger(d);
      }
    }
    return false;
  }
}
