package irqlab.cli;

import irqlab.scenario.Scenario;
import irqlab.sim.Exploration;
import irqlab.sim.explore.Explorer;
import irqlab.sim.explore.Strategies;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** irqlab explore SCENARIO [--strategy random|pct|pct-D|pct-D-K] [--schedules N] [--seed N] [--jobs N]. */
@Command(name = "explore",
    description = "Explore interleavings of a scenario: every hardware access, lock operation and"
        + " explicit point lets a strategy choose which actor runs next. Prints the failing schedules;"
        + " each replays with 'irqlab replay SCENARIO --schedule ID'.")
final class ExploreCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SCENARIO", description = "A built-in scenario name or a YAML file.")
  String scenario;

  @Option(names = "--strategy", defaultValue = "pct",
      description = "random, pct (= pct-3), pct-D or pct-D-K (depth D, expected steps K). Default: ${DEFAULT-VALUE}.")
  String strategy;

  @Option(names = "--schedules", defaultValue = "1000", description = "Schedules to run. Default: ${DEFAULT-VALUE}.")
  int schedules;

  @Option(names = "--seed", paramLabel = "N", description = "Seed of the exploration (default: the scenario's).")
  Long seed;

  @Option(names = "--jobs", defaultValue = "1", description = "Schedules run in parallel. Default: ${DEFAULT-VALUE}.")
  int jobs;

  @Option(names = "--show", defaultValue = "5", description = "Failing schedules to list. Default: ${DEFAULT-VALUE}.")
  int show;

  @Override
  public Integer call() {
    String strat = strategy.equals("pct") ? "pct-3" : strategy;
    try {
      Strategies.of(strat, 0);
    } catch (IllegalArgumentException e) {
      throw new Main.BadInput("irqlab explore: --strategy: " + e.getMessage());
    }
    if (schedules < 1 || jobs < 1 || show < 0) {
      throw new Main.BadInput("irqlab explore: --schedules and --jobs: expected a number >= 1, --show: >= 0");
    }
    Scenario s = ScenarioSource.load(scenario);
    long sd = seed != null ? seed : s.seed();
    PrintWriter out = spec.commandLine().getOut();
    Exploration.Report rep;
    AtomicInteger done = new AtomicInteger();
    if (System.console() != null) {
      try (ProgressBar pb = new ProgressBarBuilder().setTaskName("explore " + s.name())
          .setInitialMax(schedules).setStyle(ProgressBarStyle.ASCII).continuousUpdate()
          .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err)).build()) {
        rep = Exploration.explore(s, strat, sd, schedules, jobs, show, i -> pb.stepTo(done.incrementAndGet()));
      }
    } else {
      rep = Exploration.explore(s, strat, sd, schedules, jobs, show, i -> {});
    }
    out.printf("explored %d schedules of %s with %s (seed %d): %d failed%n",
        rep.schedules(), rep.scenario(), rep.strategy(), rep.seed(), rep.failed());
    if (rep.failed() > 0) {
      out.println("violations found: " + String.join(", ", rep.kinds()));
      for (Explorer.Result r : rep.failures()) {
        out.printf("  schedule %s (%d steps): %s%n", r.id(), r.steps(), oneLine(r.failure()));
      }
      Explorer.Result first = rep.firstFailure();
      if (first != null) {
        out.printf("replay the first with: irqlab replay %s --schedule %s%n", scenario, first.id());
      }
    }
    out.flush();
    return rep.failed() == 0 ? 0 : Main.VIOLATION;
  }

  static String oneLine(Throwable t) {
    String m = t.getMessage() == null ? t.toString() : t.getMessage();
    return m.replace('\n', ' ');
  }
}
