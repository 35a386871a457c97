package irqlab.hw.devices;

/** Watches work flowing through device queues; the oracle uses it to find lost interrupts. */
public interface WorkObserver {
  /** The device completed one unit of work on {@code queue} and wants to signal. */
  default void completed(QueueDevice device, int queue) {}

  /** The device is about to signal that completion of {@code queue} (its vector select is valid). */
  default void signalling(QueueDevice device, int queue) {}

  /** The device signalled (or failed to signal) that completion of {@code queue}. */
  default void signalled(QueueDevice device, int queue) {}

  /**
   * The device could not signal that completion of {@code queue}: its vector select names an entry
   * it cannot send (MSI-X and MSI off, or no such entry): no message went out, no pending bit was set.
   */
  default void notSignalled(QueueDevice device, int queue) {}

  /** The driver consumed {@code count} completions of {@code queue}. */
  default void drained(QueueDevice device, int queue, int count) {}
}
