package irqlab.kernel.irq;

import irqlab.kernel.Kernel;

/**
 * kernel/irq/spurious.c note_interrupt: counts unhandled interrupts per line; when more than
 * 99,900 of a window of 100,000 went unhandled the line is reported ("nobody cared") and disabled.
 * An unhandled interrupt more than HZ/10 after the previous one restarts the count, and the
 * window only counts interrupts once one went unhandled.
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
      // time_after(jiffies, last_unhandled + HZ/10), compared in jiffies as the kernel does.
      if (now / Kernel.JIFFY_NS > desc.lastUnhandledNs() / Kernel.JIFFY_NS + Kernel.HZ / 10) {
        desc.setIrqsUnhandled(1);
      } else {
        desc.setIrqsUnhandled(desc.irqsUnhandled() + 1);
      }
      desc.setLastUnhandledNs(now);
    }
    // Lines that never went unhandled are not counted at all (spurious.c since v5.13).
    if (desc.irqsUnhandled() == 0) {
      return;
    }
    int count = desc.irqCount() + 1;
    if (count < WINDOW) {
      desc.setIrqCount(count);
      return;
    }
    desc.setIrqCount(0);
    if (desc.irqsUnhandled() > UNHANDLED_LIMIT) {
      reportBadIrq(desc);
      k.log().emerg("Disabling IRQ #" + desc.irq());
      desc.setIstate(IrqsState.SPURIOUS_DISABLED);
      desc.setDepth(desc.depth() + 1);
      // note_interrupt runs with the descriptor lock dropped, like the handler itself.
      k.chipFlow().irqDisable(desc, false);
      // The kernel also arms poll_spurious_irqs here; it only polls shared lines (try_one_irq),
      // and irqlab requests none, so it is left out: it would only keep re-arming itself.
      for (irqlab.kernel.KernelObserver o : k.observers()) {
        o.spuriousDisabled(desc);
      }
    }
    desc.setIrqsUnhandled(0);
  }

  /**
   * __report_bad_irq: the complaint and the line's handlers. %p prints a hashed pointer and %ps
   * the handler's symbol; irqlab has neither and prints "(ptrval)" and the action's name.
   */
  private void reportBadIrq(IrqDesc desc) {
    k.log().err("irq " + desc.irq() + ": nobody cared (try booting with the \"irqpoll\" option)");
    k.log().err("handlers:");
    for (IrqAction a = desc.action(); a != null; a = a.next()) {
      k.log().err("[<(ptrval)>] " + a.name());
    }
  }
}
