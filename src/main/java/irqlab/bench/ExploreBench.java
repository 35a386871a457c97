package irqlab.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import irqlab.scenario.BuiltinScenarios;
import irqlab.scenario.Scenario;
import irqlab.sim.Exploration;
import irqlab.sim.explore.Carriers;
import irqlab.sim.explore.ScheduleId;
import irqlab.sim.explore.Strategies;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How fast the explorer runs schedules, with the default strategy on one job: of {@code
 * msix-affinity-race} (a tiny race) and of a 20 ms steady-traffic race scenario. Each is warmed up
 * for a fixed wall-clock time first (so the figure is the runtime's, not the JIT compiler's), then
 * timed for a fixed time. Wall-clock and process CPU time are the measurements here, never part of
 * model output.
 */
public final class ExploreBench {
  private ExploreBench() {}

  /** One scenario's rate. */
  public record Rate(String scenario, long schedules, long steps, double wallSeconds, double cpuSeconds) {
    public double perSecond() {
      return schedules / wallSeconds;
    }

    public double perCpuSecond() {
      return cpuSeconds <= 0 ? 0 : schedules / cpuSeconds;
    }
  }

  /** The rates, with the JVM and thread mode they were measured on. */
  public record Result(String strategy, String jvm, String threads, double warmupSeconds, int jobs, List<Rate> rates) {
    public String toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("strategy", strategy);
      m.put("jvm", jvm);
      m.put("threads", threads);
      m.put("warmup_seconds", warmupSeconds);
      m.put("jobs", jobs);
      List<Map<String, Object>> rs = new ArrayList<>();
      for (Rate r : rates) {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("scenario", r.scenario());
        x.put("schedules", r.schedules());
        x.put("steps", r.steps());
        x.put("wall_seconds", r.wallSeconds());
        x.put("cpu_seconds", r.cpuSeconds());
        x.put("schedules_per_second", r.perSecond());
        x.put("schedules_per_cpu_second", r.perCpuSecond());
        x.put("steps_per_second", r.steps() / r.wallSeconds());
        rs.add(x);
      }
      m.put("rates", rs);
      try {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m) + "\n";
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    public String toText() {
      StringBuilder sb = new StringBuilder(String.format("explore with %s on %s, %s threads, %d job%s (warm-up %.0f s each):%n",
          strategy, jvm, threads, jobs, jobs == 1 ? "" : "s", warmupSeconds));
      for (Rate r : rates) {
        sb.append(String.format("  %-22s %7d schedules in %5.2f s: %7.0f schedules/s (%7.0f per CPU-second of the"
            + " process), %9.0f steps/s%n", r.scenario(), r.schedules(), r.wallSeconds(), r.perSecond(),
            r.perCpuSecond(), r.steps() / r.wallSeconds()));
      }
      return sb.toString();
    }
  }

  /** Wall-clock warm-up per scenario when none is given (the floor). */
  public static final double DEFAULT_WARMUP_SECONDS = 2;

  /** Warms up and times the default strategy on both scenarios, on one job. */
  public static Result run(double warmupSeconds, double measureSeconds) {
    return run(warmupSeconds, measureSeconds, 1);
  }

  /**
   * The same on {@code jobs} jobs, as {@code explore --jobs} runs them: each job its own thread and
   * carriers, its own seed, and the schedules of all of them counted together.
   */
  public static Result run(double warmupSeconds, double measureSeconds, int jobs) {
    List<Rate> rates = new ArrayList<>();
    Carriers.Mode mode = Carriers.Mode.auto();
    rates.add(rate("msix-affinity-race", BuiltinScenarios.load("msix-affinity-race"), warmupSeconds, measureSeconds, jobs));
    Scenario race = RaceScenarios.load(RaceScenarios.BENCH);
    rates.add(rate(race.name(), race, warmupSeconds, measureSeconds, jobs));
    return new Result(Strategies.DEFAULT, "JDK " + Runtime.version().feature(), mode.name().toLowerCase(java.util.Locale.ROOT),
        warmupSeconds, jobs, rates);
  }

  static Rate rate(String name, Scenario s, double warmupSeconds, double measureSeconds, int jobs) {
    long bound = Exploration.stepBound(s);
    Carriers[] carriers = new Carriers[jobs];
    try {
      for (int j = 0; j < jobs; j++) {
        carriers[j] = new Carriers();
      }
      inParallel(jobs, j -> loop(s, 99 + j * 1000L, bound, carriers[j], warmupSeconds));
      long cpu0 = processCpuNanos();
      long t0 = System.nanoTime();
      long[][] r = inParallel(jobs, j -> loop(s, 1 + j * 1000L, bound, carriers[j], measureSeconds));
      double wall = (System.nanoTime() - t0) / 1e9;
      double cpu = (processCpuNanos() - cpu0) / 1e9;
      long schedules = 0;
      long steps = 0;
      for (long[] x : r) {
        schedules += x[0];
        steps += x[1];
      }
      return new Rate(name, schedules, steps, wall, cpu);
    } finally {
      for (Carriers c : carriers) {
        if (c != null) {
          c.close();
        }
      }
    }
  }

  /** Runs {@code job} for 0..jobs-1 at once on explore's job threads; returns each one's result. */
  private static long[][] inParallel(int jobs, java.util.function.IntFunction<long[]> job) {
    long[][] out = new long[jobs][];
    java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
    Exploration.runJobs(() -> {
      int j = next.getAndIncrement();
      out[j] = job.apply(j);
    }, jobs);
    return out;
  }

  /** Runs schedules of {@code seed} for {@code seconds}; returns {schedules, steps}. */
  private static long[] loop(Scenario s, long seed, long bound, Carriers carriers, double seconds) {
    long end = System.nanoTime() + (long) (seconds * 1e9);
    long n = 0;
    long steps = 0;
    do {
      Exploration.Outcome o = Exploration.run(s, new ScheduleId(Strategies.DEFAULT, seed, (int) n), bound, carriers);
      steps += o.steps();
      n++;
    } while (System.nanoTime() < end);
    return new long[] {n, steps};
  }

  private static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime();
    }
    return -1;
  }
}
