package irqlab.exec;

/**
 * Work that an actor performs at a virtual time. Events are ordered by (time, sequence); the
 * sequence is assigned when scheduled, so equal times run in scheduling order. Periodic sources
 * reuse one event object and reschedule it, which keeps the hot path free of allocation.
 */
public abstract class Event {
  long time;
  long seq;
  int heapIndex = -1;
  private final Actor actor;

  protected Event(Actor actor) {
    this.actor = actor;
  }

  public final Actor actor() {
    return actor;
  }

  public final long time() {
    return time;
  }

  public final long seq() {
    return seq;
  }

  public final boolean isQueued() {
    return heapIndex >= 0;
  }

  /** Runs the event's work as its actor. */
  public abstract void run();

  /** Wraps a lambda as a one-shot event. */
  public static Event of(Actor actor, Runnable work) {
    return new Event(actor) {
      @Override
      public void run() {
        work.run();
      }
    };
  }
}
