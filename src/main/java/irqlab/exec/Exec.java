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

  /** The actor executing now. */
  Actor current();

  /** Queues {@code event} to run as its actor at virtual time {@code atNs} (>= now). */
  void schedule(Event event, long atNs);

  /** Removes a queued event; false when it was not queued. */
  boolean cancel(Event event);

  /**
   * Blocks the current actor until {@code ready} holds. Explore mode lets other actors run
   * meanwhile; run mode can only proceed when it already holds, and reports a deadlock otherwise.
   */
  void waitUntil(String why, BooleanSupplier ready);

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
