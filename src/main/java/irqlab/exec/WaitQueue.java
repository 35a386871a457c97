package irqlab.exec;

import java.util.function.BooleanSupplier;

/**
 * wait_event / wait_event_timeout (include/linux/wait.h) on a condition: the sleeping way to wait
 * for a device or another actor. Runs the might_sleep check first. The runtimes re-check waiting
 * conditions after every event or step, so {@link #wakeUp} only marks the point where the
 * kernel's waker would call wake_up().
 */
public final class WaitQueue {
  private final Exec exec;
  private final String name;
  private final String sleepLabel;
  private final Resource resource;

  public WaitQueue(Exec exec, String name) {
    this.exec = exec;
    this.name = name;
    this.sleepLabel = "wait_event(" + name + ")";
    this.resource = new Resource("waitqueue " + name);
  }

  public String name() {
    return name;
  }

  /** wait_event: sleeps until {@code condition} holds. */
  public void waitEvent(BooleanSupplier condition) {
    waitEventTimeout(condition, Long.MAX_VALUE);
  }

  /**
   * wait_event_timeout: sleeps until {@code condition} holds (true) or {@code timeoutNs} passed
   * without it (false). Like the kernel's, it returns true when the condition holds at the timeout.
   */
  public boolean waitEventTimeout(BooleanSupplier condition, long timeoutNs) {
    exec.mightSleep(sleepLabel);
    return exec.waitUntil(sleepLabel, condition, timeoutNs);
  }

  /** wake_up: a scheduling point; waiters see the new state when their conditions are re-checked. */
  public void wakeUp() {
    exec.point("wake_up", resource, 0, Access.SYNC);
  }

  @Override
  public String toString() {
    return name;
  }
}
