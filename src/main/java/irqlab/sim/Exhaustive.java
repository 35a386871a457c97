package irqlab.sim;

import irqlab.scenario.Scenario;
import irqlab.sim.explore.Carriers;
import irqlab.sim.explore.DelaySchedule;
import irqlab.sim.explore.Explorer;
import irqlab.sim.explore.ScheduleId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Every interleaving of the conflicting steps with at most P preemptions. The scenario runs with
 * actors in a fixed order (a {@link DelaySchedule} without delays: the lowest id first, time moving
 * when nothing else can run); a preemption delays an actor at one of its steps until another actor
 * races with that step or it must run. Enumerated depth first: every delay of the base run, then
 * every later delay of each of those runs, up to P. Partial-order reduction: a step is a candidate
 * only when, in the run it is taken from, another actor later makes an access that conflicts with
 * it within the time a delay may last (delaying any other step cannot reorder two conflicting
 * accesses), and a run whose order of conflicting accesses equals one already seen is counted
 * once and not extended. Every interleaving replays from its id ({@code delays-...:SEED:0}).
 */
public final class Exhaustive {
  private Exhaustive() {}

  /**
   * The result: {@code interleavings} distinct ones ran ({@code runs} schedules, {@code
   * equivalent} of them repeats of an order already seen); {@code complete} unless {@code
   * maxRuns} stopped it first.
   */
  public record Result(String scenario, long seed, int preemptions, long interleavings, long runs, long equivalent,
      boolean complete, List<Exploration.Outcome> failures, long failed) {}

  /**
   * Explores {@code scenario}'s interleavings with at most {@code preemptions} delays, stopping
   * after {@code maxRuns} schedules or, when {@code timeBudgetNs} &gt; 0, once that much wall-clock
   * time has passed (the result then says it is not complete).
   */
  public static Result explore(Scenario scenario, long seed, int preemptions, long maxSteps, long maxRuns,
      long timeBudgetNs) {
    long deadline = timeBudgetNs > 0 ? System.nanoTime() + timeBudgetNs : Long.MAX_VALUE;
    Set<Long> seen = new HashSet<>();
    List<Exploration.Outcome> failures = new ArrayList<>();
    long[] counts = new long[4]; // runs, equivalent, failed, interleavings
    ArrayDeque<List<DelaySchedule.Delay>> stack = new ArrayDeque<>();
    stack.push(List.of());
    boolean complete = true;
    try (Carriers carriers = new Carriers()) {
      while (!stack.isEmpty()) {
        if (counts[0] >= maxRuns || (deadline != Long.MAX_VALUE && System.nanoTime() - deadline >= 0)) {
          complete = false;
          break;
        }
        List<DelaySchedule.Delay> delays = stack.pop();
        ScheduleId id = new ScheduleId(new DelaySchedule(delays).name(), seed, 0);
        Probe p = new Probe(new DelaySchedule(delays), delays.size());
        Explorer.Result r = Explorer.run(id, p, maxSteps, carriers, false, rt -> Exploration.runSchedule(scenario, rt, null));
        counts[0]++;
        if (!seen.add(p.signature())) {
          counts[1]++;
          continue;
        }
        counts[3]++;
        Exploration.Outcome o = Exploration.outcome(id, r.steps(), r.failure());
        if (o.failed()) {
          counts[2]++;
          if (failures.size() < 10) {
            failures.add(o);
          }
        }
        if (delays.size() < preemptions) {
          List<DelaySchedule.Delay> cands = p.candidates();
          // Depth first, in the order the steps ran.
          for (int i = cands.size() - 1; i >= 0; i--) {
            List<DelaySchedule.Delay> next = new ArrayList<>(delays);
            next.add(cands.get(i));
            stack.push(next);
          }
        }
      }
    }
    return new Result(scenario.name(), seed, preemptions, counts[3], counts[0], counts[1], complete,
        List.copyOf(failures), counts[2]);
  }

  /** The report's text. */
  public static String text(Result r, String scenarioArg) {
    StringBuilder sb = new StringBuilder();
    if (r.complete()) {
      sb.append(String.format("all %d interleavings with <= %d preemptions explored: %d failed%n", r.interleavings(),
          r.preemptions(), r.failed()));
    } else {
      sb.append(String.format("stopped after %d schedules (--schedules or --time): %d interleavings with <= %d preemptions"
          + " explored, not all of them: %d failed%n", r.runs(), r.interleavings(), r.preemptions(), r.failed()));
    }
    sb.append(String.format("  (%s, seed %d: %d schedules run, %d of them equivalent to one already run)%n",
        r.scenario(), r.seed(), r.runs(), r.equivalent()));
    for (Exploration.Outcome o : r.failures()) {
      sb.append(String.format("  schedule %s (%d steps): %s%n", o.id(), o.steps(), o.detail()));
    }
    if (!r.failures().isEmpty()) {
      sb.append(String.format("replay the first with: irqlab replay %s --schedule %s --trace%n", scenarioArg,
          r.failures().get(0).id()));
    }
    return sb.toString();
  }

  /**
   * Runs a delay schedule and watches it: the candidate delays after its last one, and the
   * signature of the order in which conflicting accesses happened (per unit, who did what).
   */
  private static final class Probe implements irqlab.sim.explore.Strategy {
    private final DelaySchedule inner;
    private final int fixed;
    private final irqlab.sim.explore.SiteRecorder rec = new irqlab.sim.explore.SiteRecorder();

    Probe(DelaySchedule inner, int fixed) {
      this.inner = inner;
      this.fixed = fixed;
    }

    @Override
    public String name() {
      return inner.name();
    }

    @Override
    public int pick(irqlab.sim.explore.Decision d) {
      rec.before(d);
      int x = inner.pick(d);
      rec.after(d, x, inner.applied() >= fixed);
      return x;
    }

    long signature() {
      return rec.signature();
    }

    List<DelaySchedule.Delay> candidates() {
      return rec.candidates(irqlab.sim.explore.ExploreRuntime.MAX_LAG_NS);
    }
  }
}
