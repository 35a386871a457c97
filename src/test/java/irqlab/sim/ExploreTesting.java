package irqlab.sim;

import irqlab.scenario.Scenario;
import java.util.Set;

/** Short forms of explore mode for tests. */
public final class ExploreTesting {
  private ExploreTesting() {}

  /** Schedules 0..n-1 of {@code strategy} on {@code jobs} jobs, keeping the first {@code keep} failures. */
  public static Exploration.Report explore(Scenario s, String strategy, long seed, int n, int jobs, int keep) {
    return Exploration.explore(s, new Exploration.Options(strategy, seed, n, jobs, keep, Exploration.Shard.ALL, 0, 0),
        i -> {});
  }

  public static Set<String> kinds(Exploration.Report r) {
    return r.kinds().keySet();
  }

  /** Replays with the default step bound and a trace. */
  public static Exploration.Replay replay(Scenario s, irqlab.sim.explore.ScheduleId id) {
    return Exploration.replay(s, id, 0, true);
  }
}
