package irqlab.exec;

import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;

/**
 * The execution environment seen by hardware and kernel code. Code is written as plain
 * sequential Java and marks its scheduling points; the runtime decides whether a point switches
 * to another actor (explore mode) or costs nothing (run mode).
 */
public interface Exec {
  /** Virtual time in nanoseconds. */
  long now();

  /** A scheduling point: a hardware access, a lock operation, or an explicit point. */
  void point(String label);

  /**
   * A scheduling point before an access of kind {@code access} to {@code offset} of {@code
   * resource}: what lets the explorer tell racing steps from commuting ones, and traces say what
   * was touched. Run mode ignores it, like every point.
   */
  default void point(String label, Resource resource, long offset, Access access) {
    point(label);
  }

  /**
   * The value the access after the current actor's latest point read or wrote, for traces only.
   * Never changes what runs; run mode ignores it.
   */
  default void traceValue(long value) {}

  /** The actor executing now. */
  Actor current();

  /** Queues {@code event} to run as its actor at virtual time {@code atNs} (>= now). */
  void schedule(Event event, long atNs);

  /** Removes a queued event; false when it was not queued. */
  boolean cancel(Event event);

  /**
   * Blocks the current actor until {@code ready} holds; other actors run meanwhile. In run mode a
   * {@code TASK} parks on its own thread; a CPU, device or clock cannot park and runs the event loop
   * nested until the condition holds. A wait nothing can end is reported as a deadlock.
   */
  void waitUntil(String why, BooleanSupplier ready);

  /**
   * Blocks the current actor until {@code ready} holds (returns true) or virtual time reaches now
   * + {@code timeoutNs} (returns false, unless {@code ready} holds at that moment). The condition
   * is re-checked after every event (run mode) or step (explore mode); a clock-owned timer event
   * ends the wait. {@code Long.MAX_VALUE} waits without a timer (MAX_SCHEDULE_TIMEOUT). For the
   * kernel this is a busy wait (readx_poll_timeout_atomic): it runs no might_sleep check; sleeping
   * waits go through {@link WaitQueue}, {@link Completion}, {@link Mutex} or {@link #sleep}.
   */
  boolean waitUntil(String why, BooleanSupplier ready, long timeoutNs);

  /**
   * msleep / usleep_range: the current actor sleeps {@code ns} of virtual time (0 lets everything
   * already due now run first) while every other actor goes on. Runs the might_sleep check first.
   */
  void sleep(long ns);

  /** Installs the check every sleeping primitive runs first: the kernel's might_sleep(). */
  void setMightSleep(MightSleep check);

  /** Runs the installed might_sleep check for the sleeping call {@code what}; none: nothing. */
  void mightSleep(String what);

  /** Installs the watcher told of every lock acquisition and release (lockdep's hook); null: none. */
  default void setLockWatch(LockWatch watch) {
    throw new UnsupportedOperationException("this runtime has no lock watch");
  }

  /** The installed lock watcher, or null. */
  default LockWatch lockWatch() {
    return null;
  }

  /** A CPU may now be able to take an interrupt (an IRR bit was set, or interrupts re-enabled). */
  void interruptRaised(int cpu);

  /** Registers how CPUs take interrupts. */
  void attachCpus(CpuPort port);

  /** Creates an actor known to the runtime. */
  Actor newActor(String name, Actor.Kind kind, int cpu);

  /** The seeded random source of this run; the only randomness model code may use. */
  RandomGenerator random();

  /** True in explore mode, where points may switch actors. */
  boolean exploring();
}
