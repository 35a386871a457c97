package irqlab.kernel.irq;

import irqlab.kernel.Kernel;
import irqlab.kernel.KernelTimer;

/**
 * kernel/irq/spurious.c note_interrupt: counts unhandled interrupts per line; when more than
 * 99,900 of a window of 100,000 went unhandled the line is reported ("nobody cared") and disabled.
 * An unhandled interrupt more than HZ/10 after the previous one restarts the count, and the
 * window only counts interrupts once one went unhandled.
 */
public final class Spurious {
  public static final int WINDOW = 100_000;
  public static final int UNHANDLED_LIMIT = 99_900;

  /** POLL_SPURIOUS_IRQ_INTERVAL: the poller of disabled lines runs every HZ/10 jiffies. */
  public static final int POLL_INTERVAL_JIFFIES = Kernel.HZ / 10;

  private final Kernel k;
  /** poll_spurious_irq_timer, made at the first line the detector disables. */
  private KernelTimer pollTimer;
  /** irq_poll_active: one poller at a time. */
  private boolean pollActive;

  public Spurious(Kernel k) {
    this.k = k;
  }

  void noteInterrupt(IrqDesc desc, IrqReturn ret) {
    // The poller's own handler runs are not judged (IRQS_POLL_INPROGRESS).
    if (desc.istate(IrqsState.POLL_INPROGRESS)) {
      return;
    }
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
      if (pollTimer == null) {
        pollTimer = new KernelTimer(k, this::pollSpuriousIrqs);
      }
      pollTimer.modTimer(KernelTimer.jiffies(k) + POLL_INTERVAL_JIFFIES);
      for (irqlab.kernel.KernelObserver o : k.observers()) {
        o.spuriousDisabled(desc);
      }
    }
    desc.setIrqsUnhandled(0);
  }

  /**
   * poll_spurious_irqs (kernel/irq/spurious.c): every line the detector disabled (irq 0 aside) is
   * polled with interrupts off, then the timer is armed again. Like every periodic timer in
   * irqlab it stops at the end of the timeline (see {@link KernelTimer}).
   */
  private void pollSpuriousIrqs() {
    if (!pollActive) {
      pollActive = true;
      try {
        k.descs().forEach(irq -> {
          IrqDesc desc = k.descs().get(irq);
          if (irq != 0 && desc.istate(IrqsState.SPURIOUS_DISABLED)) {
            boolean irqs = k.localIrqSave();
            try {
              tryOneIrq(desc, true);
            } finally {
              k.localIrqRestore(irqs);
            }
          }
        });
      } finally {
        pollActive = false;
      }
    }
    pollTimer.modTimer(KernelTimer.jiffies(k) + POLL_INTERVAL_JIFFIES);
  }

  /**
   * try_one_irq (kernel/irq/spurious.c): a shared line's actions are run by hand (disabled lines
   * only when {@code force}), so that the other devices on a line the detector disabled are still
   * served, every 100 ms. Lines without IRQF_SHARED and timer lines are left alone; a line running
   * elsewhere is marked pending for that CPU to loop. irqlab has no per-CPU, nested-thread or
   * polled lines, which the kernel also skips.
   */
  void tryOneIrq(IrqDesc desc, boolean force) {
    desc.lock().lock();
    try {
      if (desc.data().is(IrqdState.IRQ_DISABLED) && !force) {
        return;
      }
      IrqAction action = desc.action();
      if (action == null || (action.flags() & IrqAction.IRQF_SHARED) == 0
          || (action.flags() & IrqAction.IRQF_TIMER_BIT) != 0) {
        return;
      }
      if (desc.data().is(IrqdState.IRQ_INPROGRESS)) {
        desc.setIstate(IrqsState.PENDING);
        return;
      }
      desc.setIstate(IrqsState.POLL_INPROGRESS);
      do {
        k.chipFlow().handleIrqEvent(desc);
        action = desc.action();
      } while (desc.istate(IrqsState.PENDING) && action != null);
      desc.clearIstate(IrqsState.POLL_INPROGRESS);
    } finally {
      desc.lock().unlock();
    }
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
