package irqlab.sim.explore;

import irqlab.exec.Actor;
import java.util.List;

/**
 * Decides who runs next at a scheduling point. A strategy belongs to one schedule and may keep
 * state across its decisions; its only randomness is its own seeded stream, so the same seed and
 * the same model replay the same choices.
 */
public interface Strategy {
  /** The name used in schedule ids, such as {@code random} or {@code pct-3}. */
  String name();

  /**
   * Returns an index into {@code enabled}.
   *
   * @param step decisions taken before this one in the schedule
   * @param enabled actors that can run, sorted by id, never empty; reused, so do not keep it
   * @param previous the actor chosen at the previous step (the clock before the first step)
   */
  int pick(long step, List<Actor> enabled, Actor previous);
}
