package irqlab.sim;

import irqlab.scenario.Scenario;
import irqlab.sim.explore.Carriers;
import irqlab.sim.explore.DeadlockException;
import irqlab.sim.explore.DelaySchedule;
import irqlab.sim.explore.ExploreRuntime;
import irqlab.sim.explore.Explorer;
import irqlab.sim.explore.RaceTargets;
import irqlab.sim.explore.ScheduleId;
import irqlab.sim.explore.SiteRecorder;
import irqlab.sim.explore.StepBoundException;
import irqlab.sim.explore.Strategies;
import irqlab.sim.explore.Strategy;
import irqlab.sim.run.RunRuntime;
import irqlab.sim.trace.Trace;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Explore mode over a scenario: the same machine and kernel as run mode, on a runtime where every
 * scheduling point lets a strategy pick the next actor. Each schedule is judged as run mode judges
 * a run, with one exception. The oracle's violations count against the scenario's
 * {@code expect.violations} (a violation not expected fails the schedule, with the violation's
 * kind; an expected one it does not show fails it as {@code expectation}), and so does
 * {@code expect.state}, by run mode's own code. The {@code delivered} and {@code spurious} counts
 * are not judged: they count handler runs, and how many runs the same work takes is what a
 * schedule changes (a CPU held back takes several completions in one interrupt; an interrupt
 * raised while its handler runs finds the work done and returns IRQ_NONE, which run mode, where a
 * handler is atomic, never shows). A replay prints them apart, and its "Result:" is the verdict.
 * A deadlock, an exception in model code or the step bound fails a schedule as {@code model-error}.
 * Every schedule is named by an id that replays it exactly.
 */
public final class Exploration {
  /** The kind of a failed schedule whose model broke: a deadlock, an exception, the step bound. */
  public static final String MODEL_ERROR = "model-error";
  /** A schedule that hung: mid-work actors all waiting for one another (ExploreRuntime). */
  public static final String DEADLOCK = "deadlock";
  /** The kind of a schedule that did not show a violation the scenario expects. */
  public static final String EXPECTATION = "expectation";
  /** A schedule may take at least this many steps. */
  public static final long MIN_STEP_BOUND = 1_000_000;
  /** ... and at least this many per event of the run-mode run of the same scenario. */
  public static final long STEPS_PER_EVENT = 200;

  private Exploration() {}

  /** A schedule ended with violations or missed expectations. */
  public static final class Judged extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<String> kinds;
    private final transient List<Violation> violations;

    Judged(List<String> kinds, String detail, List<Violation> violations) {
      super(detail, null, false, false);
      this.kinds = List.copyOf(kinds);
      this.violations = List.copyOf(violations);
    }

    public List<String> kinds() {
      return kinds;
    }

    public List<Violation> violations() {
      return violations;
    }
  }

  /** How one schedule ended: {@code kinds} empty when it passed. */
  public record Outcome(ScheduleId id, long steps, List<String> kinds, String detail) {
    public boolean failed() {
      return !kinds.isEmpty();
    }
  }

  /** Which part of an exploration to run: shard {@code index} (1-based) of {@code count}. */
  public record Shard(int index, int count) {
    public static final Shard ALL = new Shard(1, 1);

    public Shard {
      if (count < 1 || index < 1 || index > count) {
        throw new IllegalArgumentException("shard must be I/N with 1 <= I <= N, got " + index + "/" + count);
      }
    }

    /** Parses {@code I/N}. */
    public static Shard parse(String text) {
      String[] p = text.trim().split("/");
      if (p.length != 2) {
        throw new IllegalArgumentException("shard must be I/N (such as 2/8), got " + text);
      }
      try {
        return new Shard(Integer.parseInt(p[0]), Integer.parseInt(p[1]));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("shard must be I/N (such as 2/8), got " + text);
      }
    }

    /** Schedules of this shard among the first {@code total}: indexes index-1, index-1+count, ... */
    public int size(int total) {
      int first = index - 1;
      return first >= total ? 0 : (int) ((total - 1L - first) / count + 1);
    }

    /** The schedule index of this shard's {@code k}-th schedule. */
    public int schedule(int k) {
      return (int) (index - 1 + (long) k * count);
    }

    @Override
    public String toString() {
      return index + "/" + count;
    }
  }

  /** What to explore. {@code timeBudgetNs} &lt;= 0: no budget; {@code maxSteps} &lt;= 0: the default bound. */
  public record Options(String strategy, long seed, int schedules, int jobs, int keepFailures, Shard shard,
      long timeBudgetNs, long maxSteps) {
    public Options {
      if (schedules < 0 || jobs < 1 || keepFailures < 0) {
        throw new IllegalArgumentException("schedules >= 0, jobs >= 1, keepFailures >= 0");
      }
    }

    public static Options of(String strategy, long seed, int schedules) {
      return new Options(strategy, seed, schedules, 1, 5, Shard.ALL, 0, 0);
    }

    public Options jobs(int n) {
      return new Options(strategy, seed, schedules, n, keepFailures, shard, timeBudgetNs, maxSteps);
    }

    public Options keep(int n) {
      return new Options(strategy, seed, schedules, jobs, n, shard, timeBudgetNs, maxSteps);
    }

    public Options shard(Shard s) {
      return new Options(strategy, seed, schedules, jobs, keepFailures, s, timeBudgetNs, maxSteps);
    }

    public Options timeBudget(long ns) {
      return new Options(strategy, seed, schedules, jobs, keepFailures, shard, ns, maxSteps);
    }

    public Options maxSteps(long n) {
      return new Options(strategy, seed, schedules, jobs, keepFailures, shard, timeBudgetNs, n);
    }
  }

  /**
   * The outcome of an exploration (or of one shard of it). {@code explored} schedules ran, the
   * first {@code explored} of the shard's; {@code failures} are the first failing ones by index.
   */
  public record Report(String scenario, String strategy, long seed, int schedules, Shard shard, int explored,
      int failed, Map<String, Integer> kinds, List<Outcome> failures, int keep, long steps, long stepBound,
      boolean stoppedByTime) {
    public Outcome firstFailure() {
      return failures.isEmpty() ? null : failures.get(0);
    }

    /** Whether every schedule of the shard ran. */
    public boolean complete() {
      return explored == shard.size(schedules);
    }
  }

  /** Runs the schedules of {@code o.shard()} among {@code 0..o.schedules()-1}. */
  public static Report explore(Scenario scenario, Options o, IntConsumer progress) {
    String strategy = resolveStrategy(scenario, o.strategy(), o.seed());
    long bound = o.maxSteps() > 0 ? checkBuilds(scenario, o.maxSteps()) : stepBound(scenario);
    int todo = o.shard().size(o.schedules());
    RaceTargets targets = targets(scenario, strategy, o.seed(), bound);
    long deadline = o.timeBudgetNs() > 0 ? System.nanoTime() + o.timeBudgetNs() : Long.MAX_VALUE;
    Collector c = new Collector(o.keepFailures());
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    boolean[] timedOut = new boolean[1];
    Runnable job = () -> {
      try (Carriers carriers = new Carriers()) {
        while (true) {
          if (System.nanoTime() >= deadline) {
            synchronized (timedOut) {
              timedOut[0] = true;
            }
            return;
          }
          int k = next.getAndIncrement();
          if (k >= todo) {
            return;
          }
          ScheduleId id = new ScheduleId(strategy, o.seed(), o.shard().schedule(k));
          c.add(k, run(scenario, id, targets, bound, carriers));
          progress.accept(done.incrementAndGet());
        }
      }
    };
    runJobs(job, o.jobs());
    // With a time budget the jobs stop taking indexes; every index handed out ran, so the
    // explored schedules are a prefix of the shard whatever the thread timing.
    int explored = Math.min(next.get(), todo);
    return c.report(scenario.name(), strategy, o, explored, bound, timedOut[0] && explored < todo);
  }

  /** Runs {@code job} on {@code jobs} job threads at once (explore's --jobs; this thread for one). */
  public static void runJobs(Runnable job, int jobs) {
    if (jobs == 1) {
      job.run();
      return;
    }
    Carriers.Mode mode = Carriers.Mode.auto();
    java.util.concurrent.ThreadFactory tf = new Carriers(mode).jobThreads("explore-job");
    List<Thread> threads = new ArrayList<>();
    Throwable[] failure = new Throwable[1];
    for (int i = 0; i < jobs; i++) {
      Thread t = tf.newThread(() -> {
        try {
          job.run();
        } catch (Throwable e) {
          synchronized (failure) {
            if (failure[0] == null) {
              failure[0] = e;
            }
          }
        }
      });
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("exploration interrupted", e);
      }
    }
    if (failure[0] != null) {
      throw new IllegalStateException("exploration failed: " + failure[0], failure[0]);
    }
  }

  /** Gathers outcomes in any order; reports them by schedule index. */
  private static final class Collector {
    private final int keep;
    private final TreeMap<Integer, Outcome> failures = new TreeMap<>();
    private final TreeMap<String, Integer> kinds = new TreeMap<>();
    private int failed;
    private long steps;

    Collector(int keep) {
      this.keep = keep;
    }

    synchronized void add(int k, Outcome r) {
      steps += r.steps();
      if (!r.failed()) {
        return;
      }
      failed++;
      for (String kind : r.kinds()) {
        kinds.merge(kind, 1, Integer::sum);
      }
      if (keep > 0) {
        failures.put(k, r);
        if (failures.size() > keep) {
          failures.pollLastEntry();
        }
      }
    }

    synchronized Report report(String scenario, String strategy, Options o, int explored, long bound, boolean byTime) {
      return new Report(scenario, strategy, o.seed(), o.schedules(), o.shard(), explored, failed,
          Map.copyOf(kinds), List.copyOf(failures.values()), keep, steps, bound, byTime);
    }
  }

  /** Runs one schedule and judges it. */
  public static Outcome run(Scenario scenario, ScheduleId id, long maxSteps, Carriers carriers) {
    return run(scenario, id, targets(scenario, id.strategy(), id.runSeed(), maxSteps), maxSteps, carriers);
  }

  static Outcome run(Scenario scenario, ScheduleId id, RaceTargets targets, long maxSteps, Carriers carriers) {
    Explorer.Result r = Explorer.run(id, targets, maxSteps, carriers, false, rt -> runSchedule(scenario, rt, null));
    return outcome(id, r.steps(), r.failure());
  }

  /** The last baseline runs' targets, per scenario (by identity), seed and step bound. */
  private static final Map<TargetsKey, RaceTargets> TARGETS = new java.util.LinkedHashMap<>() {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<TargetsKey, RaceTargets> eldest) {
      return size() > 4;
    }
  };

  private record TargetsKey(IdentityOf scenario, long runSeed, long bound) {}

  /** A scenario compared by identity: two equal files parsed twice are computed twice, which is only slower. */
  private record IdentityOf(Scenario s) {
    @Override
    public boolean equals(Object o) {
      return o instanceof IdentityOf i && i.s == s;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(s);
    }
  }

  /**
   * Where the default strategy's aimed schedules delay an actor (RaceTargets): found by one run
   * of the baseline schedule {@code delays:SEED:0}, once per scenario and seed, and kept for the
   * replays and shrinks that follow. Other strategies aim nowhere.
   */
  public static RaceTargets targets(Scenario scenario, String strategy, long runSeed, long bound) {
    if (!strategy.equals(Strategies.DEFAULT)) {
      return RaceTargets.NONE;
    }
    TargetsKey key = new TargetsKey(new IdentityOf(scenario), runSeed, bound);
    synchronized (TARGETS) {
      RaceTargets t = TARGETS.get(key);
      if (t == null) {
        t = findTargets(scenario, runSeed, bound);
        TARGETS.put(key, t);
      }
      return t;
    }
  }

  private static RaceTargets findTargets(Scenario scenario, long runSeed, long bound) {
    SiteRecorder rec = SiteRecorder.stepsOnly();
    Strategy watch = rec.watching(new DelaySchedule(List.of()));
    Explorer.run(RaceTargets.baseline(runSeed), watch, bound, null, false, rt -> runSchedule(scenario, rt, null));
    return rec.targets(ExploreRuntime.MAX_LAG_NS, RaceTargets.RARE, runSeed);
  }

  static Outcome outcome(ScheduleId id, long steps, Throwable failure) {
    if (failure == null) {
      return new Outcome(id, steps, List.of(), "");
    }
    return new Outcome(id, steps, kindsOf(failure), oneLine(failure));
  }

  /** One schedule: build, run to quiescence, judge. Throws Judged on a bad outcome. */
  static void runSchedule(Scenario scenario, ExploreRuntime rt, Machine[] out) {
    runSchedule(scenario, rt, out, m -> {});
  }

  static void runSchedule(Scenario scenario, ExploreRuntime rt, Machine[] out, java.util.function.Consumer<Machine> beforeRun) {
    Machine m = Machine.build(scenario, rt);
    if (out != null) {
      out[0] = m;
    }
    beforeRun.accept(m);
    rt.runToQuiescence();
    m.checkQuiescent();
    judge(m);
  }

  /** Run mode's verdict on violations: throws Judged when the schedule failed. */
  static void judge(Machine m) {
    List<Violation> v = m.oracle().violations();
    TreeSet<String> seen = new TreeSet<>();
    v.forEach(x -> seen.add(x.kind()));
    TreeSet<String> expected = new TreeSet<>(m.scenario().expect().violations());
    TreeSet<String> kinds = new TreeSet<>();
    String detail = null;
    for (Violation x : v) {
      if (!expected.contains(x.kind())) {
        kinds.add(x.kind());
        if (detail == null) {
          detail = v.size() + " violation(s): " + x;
        }
      }
    }
    List<String> missed = new ArrayList<>();
    if (!seen.containsAll(expected)) {
      TreeSet<String> missing = new TreeSet<>(expected);
      missing.removeAll(seen);
      missed.add("violations: expected " + String.join(", ", expected) + ", missing " + String.join(", ", missing));
    }
    if (!m.scenario().expect().state().isEmpty()) {
      missed.addAll(ExpectState.evaluate(m));
    }
    if (!m.scenario().expect().vmd().isEmpty()) {
      // How the children are spread is the kernel's choice, not the schedule's: judged. Idle
      // child runs count handler runs, which a schedule's timing changes: not judged.
      for (String f : Expect.evaluateVmd(m.scenario().expect(), VmdStats.of(m))) {
        if (!isUnjudged(f)) {
          missed.add(f);
        }
      }
    }
    if (!missed.isEmpty()) {
      kinds.add(EXPECTATION);
      if (detail == null) {
        detail = "expectation not met: " + missed.get(0);
      }
    }
    if (!kinds.isEmpty()) {
      throw new Judged(List.copyOf(kinds), detail, v);
    }
  }

  /** Whether explore leaves failed expectation {@code f} unjudged: it counts handler runs. */
  static boolean isUnjudged(String f) {
    return f.startsWith("delivered ") || f.startsWith("spurious ") || Expect.countsHandlerRuns(f);
  }

  /** The kinds of a failed schedule: unexpected violation kinds, "expectation", "deadlock" or "model-error". */
  public static List<String> kindsOf(Throwable failure) {
    if (failure instanceof Judged j) {
      return j.kinds();
    }
    if (failure instanceof DeadlockException) {
      return List.of(DEADLOCK);
    }
    return List.of(MODEL_ERROR);
  }

  static String oneLine(Throwable t) {
    String m = t.getMessage() == null ? t.toString() : t.getMessage();
    if (t instanceof StepBoundException) {
      m = m + " (raise it with --max-steps)";
    }
    return m.replace('\n', ' ');
  }

  /**
   * The step bound of a scenario's schedules: {@value #STEPS_PER_EVENT} steps per event of its
   * run-mode run (about 20 times what a schedule takes), at least {@value #MIN_STEP_BOUND}. A
   * schedule beyond it is a livelock (or a workload far past run mode's) and fails as model-error.
   */
  public static long stepBound(Scenario scenario) {
    RunRuntime rt = new RunRuntime(scenario.seed());
    try {
      Machine m = Machine.build(scenario, rt);
      rt.runToQuiescence();
      m.checkQuiescent();
      return Math.max(MIN_STEP_BOUND, rt.eventsRun() * STEPS_PER_EVENT);
    } catch (irqlab.scenario.ScenarioException e) {
      throw e; // bad input that only a machine shows (an INTx device without a chipset): exit 2, not a schedule's failure
    } catch (RuntimeException e) {
      return MIN_STEP_BOUND; // run mode itself fails (a deadlock): explore reports it per schedule
    } finally {
      rt.close();
    }
  }

  /**
   * Returns {@code bound} once the scenario's machine builds: input only a machine can refuse (a
   * device the chipset cannot serve) is bad input for explore and replay too, one line and exit
   * 2, not a model error in every schedule.
   */
  public static long checkBuilds(Scenario scenario, long bound) {
    RunRuntime rt = new RunRuntime(scenario.seed());
    try {
      Machine.build(scenario, rt);
    } catch (irqlab.scenario.ScenarioException e) {
      throw e;
    } catch (RuntimeException e) {
      // not input: each schedule reports it
    } finally {
      rt.close();
    }
    return bound;
  }

  /**
   * The strategy name schedule ids carry. {@code pct} is {@code pct-3}; {@code pct-D} places its
   * change points among K steps measured from one calibration schedule, and the ids say pct-D-K,
   * so they replay without calibrating again.
   */
  public static String resolveStrategy(Scenario scenario, String strategy, long seed) {
    if (strategy.equals("pct")) {
      strategy = "pct-3";
    }
    if (!strategy.matches("pct-[0-9]+")) {
      Strategies.of(strategy, 0); // validates
      return strategy;
    }
    Explorer.Result probe = Explorer.run(new ScheduleId("random", seed, 0), stepBound(scenario), null, false,
        rt -> runSchedule(scenario, rt, null));
    String resolved = strategy + "-" + Math.max(1, probe.steps());
    Strategies.of(resolved, 0);
    return resolved;
  }

  /**
   * Replays one schedule: its full result, its verdict, the decision log and, when {@code trace},
   * its trace.
   */
  public static Replay replay(Scenario scenario, ScheduleId id, long maxSteps, boolean trace) {
    return replay(scenario, id, maxSteps, trace, m -> {});
  }

  /** The same, telling {@code beforeRun} the built machine first (for passive report observers). */
  public static Replay replay(Scenario scenario, ScheduleId id, long maxSteps, boolean trace,
      java.util.function.Consumer<Machine> beforeRun) {
    Machine[] m = new Machine[1];
    TraceRecorder[] rec = new TraceRecorder[1];
    long bound = maxSteps > 0 ? checkBuilds(scenario, maxSteps) : stepBound(scenario);
    RaceTargets targets = targets(scenario, id.strategy(), id.runSeed(), bound);
    Explorer.Result r = Explorer.run(id, targets, bound, null, true, rt -> {
      if (trace) {
        rec[0] = new TraceRecorder(rt);
      }
      Machine mm = Machine.build(scenario, rt);
      m[0] = mm;
      if (rec[0] != null) {
        rec[0].watch(mm);
      }
      beforeRun.accept(mm);
      rt.runToQuiescence();
      mm.checkQuiescent();
      judge(mm);
    });
    Outcome o = outcome(id, r.steps(), r.failure());
    RunResult result = m[0] == null ? null : judgedAsExplored(Simulation.result(m[0], id.seed(), r.eventsRun()), o);
    Trace t = null;
    if (rec[0] != null) {
      t = rec[0].finish(scenario.name(), id.toString(), m[0] == null ? List.of() : m[0].oracle().violations(),
          o.kinds(), o.failed() ? "FAILED: " + o.detail() : "passed");
    }
    return new Replay(id, r, o, result, t);
  }

  /**
   * A replayed schedule's result judged as {@link #judge} judges it, so that its "Result:" line is
   * the schedule's verdict: violations and state as run mode judges them, a model error as a
   * failure, and the delivered and spurious counts it missed listed apart, not judged.
   */
  static RunResult judgedAsExplored(RunResult full, Outcome o) {
    List<String> judged = new ArrayList<>();
    List<String> unjudged = new ArrayList<>();
    for (String f : full.failedExpectations()) {
      (isUnjudged(f) ? unjudged : judged).add(f);
    }
    if (o.kinds().contains(MODEL_ERROR) || o.kinds().contains(DEADLOCK)) {
      judged.add(o.kinds().get(0) + ": " + o.detail());
    }
    return full.judgedAs(judged, unjudged);
  }

  /** A replayed schedule: the explorer's view, the verdict, the run's results and the trace (or null). */
  public record Replay(ScheduleId id, Explorer.Result schedule, Outcome outcome, RunResult result, Trace trace) {}
}
