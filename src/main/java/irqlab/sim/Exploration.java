package irqlab.sim;

import irqlab.scenario.Scenario;
import irqlab.sim.explore.ExploreRuntime;
import irqlab.sim.explore.Explorer;
import irqlab.sim.explore.ScheduleId;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Explore mode over a scenario: the same machine and kernel as run mode, on a runtime where every
 * scheduling point lets a strategy pick the next actor. A schedule fails when the oracle reports a
 * violation or the model breaks (deadlock, exception); every schedule is named by an id that
 * replays it exactly.
 */
public final class Exploration {
  private Exploration() {}

  /** A schedule ended with violations. */
  public static final class ViolationsFound extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<Violation> violations;

    ViolationsFound(List<Violation> violations) {
      super(violations.size() + " violation(s): " + violations.get(0));
      this.violations = List.copyOf(violations);
    }

    public List<Violation> violations() {
      return violations;
    }
  }

  /** The outcome of many schedules; {@code steps} is the scheduling steps of all of them. */
  public record Report(String scenario, String strategy, long seed, int schedules, int failed,
      List<Explorer.Result> failures, TreeSet<String> kinds, long steps) {
    public Explorer.Result firstFailure() {
      return failures.isEmpty() ? null : failures.get(0);
    }
  }

  /** One schedule: build, run to quiescence, check. Throws ViolationsFound on a bad outcome. */
  static void runSchedule(Scenario scenario, ExploreRuntime rt, Machine[] out) {
    runSchedule(scenario, rt, out, m -> {});
  }

  static void runSchedule(Scenario scenario, ExploreRuntime rt, Machine[] out, Consumer<Machine> beforeRun) {
    Machine m = Machine.build(scenario, rt);
    if (out != null) {
      out[0] = m;
    }
    beforeRun.accept(m);
    rt.runToQuiescence();
    m.checkQuiescent();
    List<Violation> v = m.oracle().violations();
    if (!v.isEmpty()) {
      throw new ViolationsFound(v);
    }
  }

  /**
   * Runs schedules 0..n-1 of {@code strategy} seeded with {@code seed} on {@code jobs} threads.
   * Results are ordered by schedule index whatever the thread timing, so the report is
   * deterministic. {@code progress} is told of each finished schedule.
   */
  public static Report explore(Scenario scenario, String strategy, long seed, int n, int jobs,
      int keepFailures, IntConsumer progress) {
    strategy = calibrate(scenario, strategy, seed);
    final String strat = strategy;
    Explorer.Result[] results = new Explorer.Result[n];
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, jobs), r -> {
      Thread t = new Thread(r, "explore-job");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        final int idx = i;
        fs.add(pool.submit(() -> {
          ScheduleId id = new ScheduleId(strat, seed, idx);
          results[idx] = Explorer.run(id, rt -> runSchedule(scenario, rt, null));
          progress.accept(idx);
        }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } catch (Exception e) {
      throw new IllegalStateException("exploration failed: " + e, e);
    } finally {
      pool.shutdownNow();
    }
    List<Explorer.Result> failures = new ArrayList<>();
    TreeSet<String> kinds = new TreeSet<>();
    int failed = 0;
    long steps = 0;
    for (Explorer.Result r : results) {
      steps += r.steps();
      if (r.failed()) {
        failed++;
        kinds.addAll(kindsOf(r.failure()));
        if (failures.size() < keepFailures) {
          failures.add(r);
        }
      }
    }
    return new Report(scenario.name(), strategy, seed, n, failed, failures, kinds, steps);
  }

  /**
   * PCT places its priority change points among the k steps it expects a schedule to take; a k
   * far above the real length wastes almost every change point. "pct-D" without K therefore gets
   * K from the length of one calibration schedule (a deterministic random walk), so the ids it
   * prints ("pct-3-160:1:17") replay without calibrating again.
   */
  static String calibrate(Scenario scenario, String strategy, long seed) {
    if (!strategy.matches("pct-[0-9]+")) {
      return strategy;
    }
    Explorer.Result probe = Explorer.run(new ScheduleId("random", seed, 0), rt -> runSchedule(scenario, rt, null));
    return strategy + "-" + Math.max(1, probe.steps());
  }

  /** The violation kinds of a failed schedule ("model-error" for a deadlock or exception). */
  public static List<String> kindsOf(Throwable failure) {
    if (failure instanceof ViolationsFound vf) {
      TreeSet<String> s = new TreeSet<>();
      vf.violations().forEach(v -> s.add(v.kind()));
      return List.copyOf(s);
    }
    return List.of("model-error");
  }

  /** Replays one schedule and returns its full result, with the decision log. */
  public static Replay replay(Scenario scenario, ScheduleId id) {
    return replay(scenario, id, m -> {});
  }

  /** The same, telling {@code beforeRun} the built machine first (for passive report observers). */
  public static Replay replay(Scenario scenario, ScheduleId id, Consumer<Machine> beforeRun) {
    Machine[] m = new Machine[1];
    Explorer.Result r = Explorer.run(id, rt -> runSchedule(scenario, rt, m, beforeRun));
    RunResult result = m[0] == null ? null : Simulation.result(m[0], id.seed(), r.steps());
    return new Replay(id, r, result);
  }

  /** A replayed schedule: the explorer's view and the run's results. */
  public record Replay(ScheduleId id, Explorer.Result schedule, RunResult result) {}
}
