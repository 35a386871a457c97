package irqlab.kernel.irq;

import irqlab.kernel.Kernel;

/**
 * kernel/irq/spurious.c note_interrupt: counts unhandled interrupts per line; when more than
 * 99,900 of a window of 100,000 went unhandled the line is reported ("nobody cared") and disabled.
 * An unhandled interrupt more than HZ/10 after the previous one restarts the count.
 */
public final class Spurious {
  public static final int WINDOW = 100_000;
  public static final int UNHANDLED_LIMIT = 99_900;

  private final Kernel k;

  public Spurious(Kernel k) {
    this.k = k;
  }

  void noteInterrupt(IrqDesc desc, IrqReturn ret) {
    if (ret == IrqReturn.NONE) {
      long now = k.exec().now();
      if (now - desc.lastUnhandledNs() > Kernel.JIFFY_NS * (Kernel.HZ / 10)) {
        desc.setIrqsUnhandled(1);
      } else {
        desc.setIrqsUnhandled(desc.irqsUnhandled() + 1);
      }
      desc.setLastUnhandledNs(now);
    }
    int count = desc.irqCount() + 1;
    if (count < WINDOW) {
      desc.setIrqCount(count);
      return;
    }
    desc.setIrqCount(0);
    if (desc.irqsUnhandled() > UNHANDLED_LIMIT) {
      k.log().emerg("irq " + desc.irq() + ": nobody cared (try booting with the \"irqpoll\" option)");
      k.log().emerg("Disabling IRQ #" + desc.irq());
      desc.setIstate(IrqsState.SPURIOUS_DISABLED);
      desc.setDepth(desc.depth() + 1);
      // note_interrupt runs with the descriptor lock dropped, like the handler itself.
      k.chipFlow().irqDisable(desc, false);
    }
    desc.setIrqsUnhandled(0);
  }
}
