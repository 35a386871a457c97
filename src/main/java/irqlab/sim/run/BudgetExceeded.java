package irqlab.sim.run;

/**
 * A run reached its {@link RunBudget}: {@code eventsRun} events had run and the CPUs had taken
 * {@code interruptsTaken} interrupts, time stood at {@code nowNs}, and the next event was due at
 * {@code nextNs}. An Error, like the runtime's own unwinding,
 * so that no catch block in model code mistakes it for a failure of the model.
 */
public final class BudgetExceeded extends Error {
  private static final long serialVersionUID = 1L;

  /** Which limit was reached. */
  public enum Limit {
    EVENTS,
    TIME
  }

  private final Limit limit;
  private final long max;
  private final long eventsRun;
  private final long nowNs;
  private final long nextNs;
  private final long interruptsTaken;

  BudgetExceeded(Limit limit, long max, long eventsRun, long interruptsTaken, long nowNs, long nextNs) {
    super("run budget reached: " + limit + " " + max, null, false, false);
    this.limit = limit;
    this.max = max;
    this.eventsRun = eventsRun;
    this.interruptsTaken = interruptsTaken;
    this.nowNs = nowNs;
    this.nextNs = nextNs;
  }

  /** Interrupts the CPUs took, nested in events; with the events they make the work the budget counts. */
  public long interruptsTaken() {
    return interruptsTaken;
  }

  public Limit limit() {
    return limit;
  }

  /** The limit: events, or nanoseconds of virtual time. */
  public long max() {
    return max;
  }

  public long eventsRun() {
    return eventsRun;
  }

  public long nowNs() {
    return nowNs;
  }

  /** When the first event left unrun was due. */
  public long nextNs() {
    return nextNs;
  }
}
