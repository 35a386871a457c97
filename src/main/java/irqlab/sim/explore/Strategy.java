package irqlab.sim.explore;

/**
 * Decides who runs next at a scheduling point. A strategy belongs to one schedule and may keep
 * state across its decisions; its only randomness is its own seeded stream, so the same seed and
 * the same model replay the same choices on every JDK and thread mode.
 */
public interface Strategy {
  /** The name used in schedule ids, such as {@code random} or {@code pct-3}. */
  String name();

  /**
   * Returns the id of an enabled actor to run the next step, or -1 when no actor is enabled.
   * Strategies that keep the running actor when they can make most steps cost no thread switch.
   */
  int pick(Decision d);

  /**
   * The seed the model runs with (traffic arrivals): the schedule's own, except for a schedule
   * aimed at a place another run found ({@link RaceTargets}), which must replay that run's model.
   */
  default long modelSeed(long scheduleSeed) {
    return scheduleSeed;
  }
}
