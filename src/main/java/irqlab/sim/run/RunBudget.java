package irqlab.sim.run;

/**
 * How much work a run may do: events run plus interrupts the CPUs take (a level line that
 * re-raises itself from its EOI takes interrupts without ending its event), and the virtual time
 * of the last event. Zero (or
 * {@code Long.MAX_VALUE}) means no limit. A run that reaches either stops with {@link
 * BudgetExceeded} instead of running for hours on a scenario that asks for it.
 */
public record RunBudget(long maxEvents, long maxTimeNs) {
  /** 100 million events and interrupts (10 to 100 s on one core) and 60 s of virtual time. */
  public static final RunBudget DEFAULT = new RunBudget(100_000_000L, 60_000_000_000L);

  public static final RunBudget UNLIMITED = new RunBudget(0, 0);

  public RunBudget {
    if (maxEvents < 0 || maxTimeNs < 0) {
      throw new IllegalArgumentException("negative budget");
    }
    maxEvents = maxEvents == 0 ? Long.MAX_VALUE : maxEvents;
    maxTimeNs = maxTimeNs == 0 ? Long.MAX_VALUE : maxTimeNs;
  }
}
