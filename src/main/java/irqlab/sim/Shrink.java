package irqlab.sim;

import irqlab.scenario.Scenario;
import irqlab.sim.explore.Carriers;
import irqlab.sim.explore.DelaySchedule;
import irqlab.sim.explore.Explorer;
import irqlab.sim.explore.RaceTargets;
import irqlab.sim.explore.ScheduleId;
import irqlab.sim.explore.Strategies;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Shrinks a failing schedule to the fewest delays that still fail the same way: the same model
 * seed with actors in a fixed order (run mode's, nearly: the lowest actor id goes first, time moves
 * when nothing else can run) plus none, one or two delays at places where the failing schedule had
 * preempted an actor. Those places are tried from the last before the first violation backwards,
 * each first as a delay until the next conflicting access, then held past it (a long preemption).
 * The result is a schedule of a handful of context switches that reads like the race on the list,
 * and an id ({@code delays-...:SEED:INDEX}) that replays it. The search is bounded by a fixed
 * number of runs, so explore's output stays deterministic.
 */
public final class Shrink {
  /** Single delays tried, most recent first. */
  static final int SINGLES = 48;
  /** Pairs are tried among this many most recent places. */
  static final int PAIR_POOL = 8;

  private Shrink() {}

  /**
   * The result: {@code shrunk} replays the failure with {@code delays} delays, or is null when no
   * schedule of up to two delays reproduces it ({@code runs} schedules tried).
   */
  public record Result(ScheduleId original, ScheduleId shrunk, int delays, List<String> kinds, int runs) {}

  /** Shrinks {@code failing} (an outcome of {@code scenario} that failed) within the step bound. */
  public static Result shrink(Scenario scenario, Exploration.Outcome failing, long maxSteps) {
    ScheduleId id = failing.id();
    List<String> kinds = failing.kinds();
    try (Carriers carriers = new Carriers()) {
      // Where did the failing schedule preempt actors, and when did it first go wrong?
      RaceTargets targets = Exploration.targets(scenario, id.strategy(), id.runSeed(), maxSteps);
      DelaySchedule.Recorder rec = new DelaySchedule.Recorder(Strategies.forId(id, targets));
      Machine[] m = new Machine[1];
      Explorer.Result r = Explorer.run(id, rec, maxSteps, carriers, false,
          rt -> Exploration.runSchedule(scenario, rt, m));
      if (!Exploration.kindsOf(r.failure() == null ? new IllegalStateException() : r.failure()).equals(kinds)
          || r.failure() == null) {
        return new Result(id, null, 0, kinds, 1);
      }
      long until = Long.MAX_VALUE;
      if (m[0] != null) {
        for (Violation v : m[0].oracle().violations()) {
          until = Math.min(until, v.timeNs());
        }
      }
      LinkedHashSet<DelaySchedule.Delay> places = new LinkedHashSet<>();
      // An aimed schedule is one delay on the baseline's model seed: that delay first.
      DelaySchedule.Delay aim = id.strategy().equals(Strategies.DEFAULT) ? targets.aimed(id.index()) : null;
      ScheduleId base = id;
      if (aim != null) {
        base = new ScheduleId(id.strategy(), id.runSeed(), 0);
        places.add(aim);
      }
      List<DelaySchedule.Recorder.Preemption> ps = rec.preemptions();
      for (int i = ps.size() - 1; i >= 0 && places.size() < SINGLES; i--) {
        if (ps.get(i).timeNs() <= until) {
          places.add(ps.get(i).delay());
        }
      }
      List<DelaySchedule.Delay> cands = new ArrayList<>(places);
      int runs = 1;
      // No delay at all, then one, then two.
      if (fails(scenario, base, List.of(), kinds, maxSteps, carriers)) {
        return new Result(id, shrunkId(base, List.of()), 0, kinds, runs + 1);
      }
      runs++;
      for (DelaySchedule.Delay c : cands) {
        runs++;
        if (fails(scenario, base, List.of(c), kinds, maxSteps, carriers)) {
          return new Result(id, shrunkId(base, List.of(c)), 1, kinds, runs);
        }
      }
      // A failure may need an actor held longer, past the first access that races with it.
      for (DelaySchedule.Delay c : cands) {
        runs++;
        if (fails(scenario, base, List.of(c.held()), kinds, maxSteps, carriers)) {
          return new Result(id, shrunkId(base, List.of(c.held())), 1, kinds, runs);
        }
      }
      int pool = Math.min(PAIR_POOL, cands.size());
      for (int i = 0; i < pool; i++) {
        for (int j = i + 1; j < pool; j++) {
          runs++;
          List<DelaySchedule.Delay> two = List.of(cands.get(i), cands.get(j));
          if (fails(scenario, base, two, kinds, maxSteps, carriers)) {
            return new Result(id, shrunkId(base, two), 2, kinds, runs);
          }
        }
      }
      return new Result(id, null, 0, kinds, runs);
    }
  }

  private static ScheduleId shrunkId(ScheduleId id, List<DelaySchedule.Delay> delays) {
    return new ScheduleId(new DelaySchedule(delays).name(), id.runSeed(), id.index());
  }

  private static boolean fails(Scenario scenario, ScheduleId original, List<DelaySchedule.Delay> delays,
      List<String> kinds, long maxSteps, Carriers carriers) {
    ScheduleId sid = shrunkId(original, delays);
    Exploration.Outcome o = Exploration.run(scenario, sid, maxSteps, carriers);
    return o.failed() && o.kinds().equals(kinds);
  }
}
