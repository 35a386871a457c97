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
    if (IrqChip.retriggerHierarchy(desc.data())) {
      desc.setIstate(IrqsState.REPLAY);
    }
    return 0;
  }
}
