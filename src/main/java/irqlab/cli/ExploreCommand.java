package irqlab.cli;

import irqlab.report.ExploreReport;
import irqlab.report.TraceView;
import irqlab.scenario.Scenario;
import irqlab.sim.Exhaustive;
import irqlab.sim.Exploration;
import irqlab.sim.Shrink;
import irqlab.sim.explore.ScheduleId;
import irqlab.sim.explore.Strategies;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.IntConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** irqlab explore SCENARIO [options] | irqlab explore --merge A.json B.json ... */
@Command(name = "explore",
    description = "Explore interleavings of a scenario: every hardware access, lock operation and explicit point"
        + " lets a strategy choose which actor runs next. Each schedule is judged as 'run' judges a run (violations"
        + " and expect.state; not the delivered and spurious counts, which follow its timing). Prints the failing schedules and the first one shrunk and drawn; each"
        + " replays with 'irqlab replay SCENARIO --schedule ID'.")
final class ExploreCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "SCENARIO", description = "A built-in scenario name or a YAML file.")
  String scenario;

  @Option(names = "--strategy", paramLabel = "NAME", defaultValue = Strategies.DEFAULT,
      description = "delay (default), pos, random, pct (= pct-3), pct-D, pct-D-K, or exhaustive.")
  String strategy;

  @Option(names = "--preemptions", paramLabel = "P", defaultValue = "2",
      description = "exhaustive: the most delays (preemptions) per interleaving. Default: ${DEFAULT-VALUE}.")
  int preemptions;

  @Option(names = "--schedules", paramLabel = "N", defaultValue = "1000",
      description = "Schedules to run, up to 2147483647. Default: ${DEFAULT-VALUE} (exhaustive: no limit).")
  int schedules;

  @Option(names = "--seed", paramLabel = "N", description = "Seed of the exploration (default: the scenario's).")
  Long seed;

  @Option(names = "--jobs", paramLabel = "N", defaultValue = "1",
      description = "Schedules run in parallel; the report is the same for any number. Default: ${DEFAULT-VALUE}.")
  int jobs;

  @Option(names = "--show", paramLabel = "N", defaultValue = "5", description = "Failing schedules to list. Default: ${DEFAULT-VALUE}.")
  int show;

  @Option(names = "--shard", paramLabel = "I/N",
      description = "Run the I-th of N disjoint parts of the exploration (schedules I-1, I-1+N, ...).")
  String shard;

  @Option(names = "--time", paramLabel = "DURATION",
      description = "Stop starting schedules after this wall-clock time (30s, 10m, 2h); the report covers those that ran.")
  String time;

  @Option(names = "--max-steps", paramLabel = "N",
      description = "Step bound of a schedule (default: 200 per event of the run-mode run, at least 1000000).")
  Long maxSteps;

  @Option(names = "--merge", arity = "1..*", paramLabel = "REPORT",
      description = "Combine the --json reports of the shards of one exploration into the report one machine would print.")
  List<Path> merge;

  @Option(names = "--json", description = "Print the report as JSON (what --merge reads).")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (merge != null) {
      return merge(out);
    }
    if (scenario == null) {
      // A usage error, reported as picocli reports a missing parameter.
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "a SCENARIO is required (or --merge REPORT...)");
    }
    boolean exhaustive = strategy.equals("exhaustive");
    if (!exhaustive) {
      try {
        Strategies.of(strategy.equals("pct") ? "pct-3" : strategy, 0);
      } catch (IllegalArgumentException e) {
        throw new Main.BadInput("irqlab explore: --strategy: " + e.getMessage());
      }
    }
    if (schedules < 1 || jobs < 1 || show < 0 || preemptions < 0) {
      throw new Main.BadInput("irqlab explore: --schedules and --jobs: expected a number >= 1, --show and"
          + " --preemptions: >= 0");
    }
    if (maxSteps != null && maxSteps < 1) {
      throw new Main.BadInput("irqlab explore: --max-steps: expected a number >= 1, got " + maxSteps);
    }
    Exploration.Shard sh = Exploration.Shard.ALL;
    if (shard != null) {
      try {
        sh = Exploration.Shard.parse(shard);
      } catch (IllegalArgumentException e) {
        throw new Main.BadInput("irqlab explore: --shard: " + e.getMessage());
      }
    }
    long budget = time == null ? 0 : parseTime(time);
    Scenario s = ScenarioSource.load(scenario);
    long sd = seed != null ? seed : s.seed();
    if (sd < 0) {
      throw new Main.BadInput("irqlab explore: --seed: expected a non-negative number, got " + sd);
    }
    long bound = maxSteps != null ? Exploration.checkBuilds(s, maxSteps) : Exploration.stepBound(s);
    if (exhaustive) {
      return exhaustive(out, s, sd, bound, budget);
    }
    Exploration.Options o = new Exploration.Options(strategy, sd, schedules, jobs, show, sh, budget, bound);
    Exploration.Report rep = withProgress(s.name(), sh.size(schedules), p -> Exploration.explore(s, o, p));
    ExploreReport.Full full = new ExploreReport.Full(rep, first(s, rep.firstFailure(), bound));
    out.print(json ? ExploreReport.json(full) : ExploreReport.text(full, scenario));
    out.flush();
    return rep.failed() == 0 ? 0 : Main.VIOLATION;
  }

  /** Exhaustive: every interleaving, unless --schedules or --time stops it first. */
  private int exhaustive(PrintWriter out, Scenario s, long sd, long bound, long budget) {
    boolean limited = spec.commandLine().getParseResult().hasMatchedOption("--schedules");
    Exhaustive.Result r = Exhaustive.explore(s, sd, preemptions, bound, limited ? schedules : Long.MAX_VALUE, budget);
    out.print(Exhaustive.text(r, scenario));
    out.flush();
    return r.failures().isEmpty() ? 0 : Main.VIOLATION;
  }

  /** The first failure shrunk, replayed with a trace and drawn. */
  static ExploreReport.First first(Scenario s, Exploration.Outcome failing, long bound) {
    if (failing == null) {
      return null;
    }
    Shrink.Result sr = Shrink.shrink(s, failing, bound);
    ScheduleId drawn = sr.shrunk() != null ? sr.shrunk() : failing.id();
    Exploration.Replay rp = Exploration.replay(s, drawn, bound, true);
    return new ExploreReport.First(failing.id().toString(), failing.kinds(), failing.detail(),
        sr.shrunk() == null ? null : sr.shrunk().toString(), sr.delays(), sr.runs(), TraceView.text(rp.trace()),
        TraceView.jsonWindow(rp.trace()));
  }

  private int merge(PrintWriter out) {
    if (scenario != null) {
      throw new Main.BadInput("irqlab explore: --merge takes report files only, not a SCENARIO");
    }
    List<ExploreReport.Full> parts = new ArrayList<>();
    for (Path p : merge) {
      String text;
      try {
        text = Files.readString(p);
      } catch (IOException e) {
        throw new Main.BadInput(p + ":1:1: --merge: cannot read the file (" + e.getClass().getSimpleName() + ")");
      }
      try {
        parts.add(ExploreReport.parse(text));
      } catch (IllegalArgumentException e) {
        throw new Main.BadInput(p + ":1:1: --merge: " + e.getMessage());
      }
    }
    ExploreReport.Full m;
    try {
      m = ExploreReport.merge(parts);
    } catch (IllegalArgumentException e) {
      throw new Main.BadInput("irqlab explore: --merge: " + e.getMessage());
    }
    out.print(json ? ExploreReport.json(m) : ExploreReport.text(m, m.report().scenario()));
    out.flush();
    return m.report().failed() == 0 ? 0 : Main.VIOLATION;
  }

  /** A progress bar on stderr when it is a terminal; nothing otherwise. */
  static <T> T withProgress(String name, long total, java.util.function.Function<IntConsumer, T> work) {
    if (System.console() == null) {
      return work.apply(i -> {});
    }
    try (ProgressBar pb = new ProgressBarBuilder().setTaskName("explore " + name).setInitialMax(total)
        .setStyle(ProgressBarStyle.ASCII).continuousUpdate()
        .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err)).build()) {
      return work.apply(pb::stepTo);
    }
  }

  /** 30s, 10m, 2h, 500ms, or a bare number of seconds. */
  static long parseTime(String t) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]{1,9})(ms|s|m|h)?").matcher(t.trim());
    if (!m.matches()) {
      throw new Main.BadInput("irqlab: --time: expected a duration such as 30s, 10m or 2h, got '" + t + "'");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    long ns = switch (unit) {
      case "ms" -> n * 1_000_000L;
      case "m" -> n * 60_000_000_000L;
      case "h" -> n * 3_600_000_000_000L;
      default -> n * 1_000_000_000L;
    };
    if (ns <= 0) {
      throw new Main.BadInput("irqlab: --time: expected a positive duration, got '" + t + "'");
    }
    return ns;
  }
}
