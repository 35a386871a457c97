package irqlab.hw.devices;

/** Watches work flowing through device queues; the oracle uses it to find lost interrupts. */
public interface WorkObserver {
  /** The device completed one unit of work on {@code queue} and wants to signal. */
  default void completed(QueueDevice device, int queue) {}

  /** The driver consumed {@code count} completions of {@code queue}. */
  default void drained(QueueDevice device, int queue, int count) {}
}
