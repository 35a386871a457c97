package irqlab.exec;

import java.util.ArrayDeque;

/**
 * struct completion (kernel/sched/completion.c): a counter of done events that waiters consume.
 * {@link #complete} may be called from any context (an interrupt handler, a device's event); the
 * waits may sleep and run the might_sleep check. All operations are scheduling points.
 *
 * <p>Order: waiters are served first come, first served (the kernel's exclusive FIFO wait queue):
 * one {@link #complete} releases exactly the longest waiter.
 */
public final class Completion {
  /** complete_all sets done to UINT_MAX, which waiters never consume. */
  private static final int ALL = Integer.MAX_VALUE;
  private final Exec exec;
  private final String name;
  private final String sleepLabel;
  private final Resource resource;
  private final ArrayDeque<Actor> waiters = new ArrayDeque<>(2);
  private int done;

  public Completion(Exec exec, String name) {
    this.exec = exec;
    this.name = name;
    this.sleepLabel = "wait_for_completion(" + name + ")";
    this.resource = new Resource("completion " + name);
  }

  public String name() {
    return name;
  }

  /** complete: releases one waiter, or the next wait to come. */
  public void complete() {
    exec.point("complete", resource, 0, Access.SYNC);
    if (done != ALL) {
      done++;
    }
  }

  /** complete_all: releases every waiter, present and future, until {@link #reinit}. */
  public void completeAll() {
    exec.point("complete_all", resource, 0, Access.SYNC);
    done = ALL;
  }

  /** reinit_completion. */
  public void reinit() {
    done = 0;
  }

  /** completion_done: true when a wait would not sleep. */
  public boolean completionDone() {
    return done != 0;
  }

  /** try_wait_for_completion: consumes a done event without sleeping; false when there is none. */
  public boolean tryWaitForCompletion() {
    exec.point("try_wait_for_completion", resource, 0, Access.SYNC);
    if (done == 0) {
      return false;
    }
    consume();
    return true;
  }

  /** wait_for_completion: sleeps until completed. */
  public void waitForCompletion() {
    waitForCompletionTimeout(Long.MAX_VALUE);
  }

  /**
   * wait_for_completion_timeout: sleeps until completed (true) or {@code timeoutNs} of virtual time
   * passed (false). {@code Long.MAX_VALUE} waits forever.
   */
  public boolean waitForCompletionTimeout(long timeoutNs) {
    exec.mightSleep(sleepLabel);
    exec.point("wait_for_completion", resource, 0, Access.SYNC);
    Actor me = exec.current();
    if (done == 0 || !waiters.isEmpty()) {
      waiters.add(me);
      boolean ok;
      try {
        ok = exec.waitUntil(sleepLabel, () -> done != 0 && waiters.peek() == me, timeoutNs);
      } finally {
        waiters.remove(me);
      }
      if (!ok) {
        return false;
      }
    }
    consume();
    return true;
  }

  private void consume() {
    if (done != ALL) {
      done--;
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
