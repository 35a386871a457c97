package irqlab.cli;

import irqlab.bench.StrategyTable;
import irqlab.scenario.Scenario;
import irqlab.sim.Exploration;
import irqlab.sim.explore.Strategies;
import java.io.PrintWriter;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** irqlab soak [SCENARIO...] [--schedules N | --time T] [--jobs N] [--strategy S] [--seed N]. */
@Command(name = "soak",
    description = "Explore every built-in scenario whose design is correct (no known-bad variant, and not one"
        + " showing a race of 6.12 as shipped), and the correct designs of the explorer's race set, and print per"
        + " scenario: schedules, steps, failures. Exits 1 when any schedule fails.")
final class SoakCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "0..*", paramLabel = "SCENARIO",
      description = "Soak only these of the correct designs (default: all of them, in order).")
  List<String> only;

  @Option(names = "--schedules", paramLabel = "N", description = "Schedules per scenario (default 100 without --time).")
  Integer schedules;

  @Option(names = "--time", paramLabel = "DURATION",
      description = "Wall-clock budget of the whole soak (30s, 10m, 8h), shared evenly by the scenarios.")
  String time;

  @Option(names = "--jobs", paramLabel = "N", defaultValue = "1", description = "Schedules run in parallel. Default: ${DEFAULT-VALUE}.")
  int jobs;

  @Option(names = "--strategy", paramLabel = "NAME", defaultValue = Strategies.DEFAULT,
      description = "The strategy (as explore's). Default: ${DEFAULT-VALUE}.")
  String strategy;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed of every exploration. Default: ${DEFAULT-VALUE}.")
  long seed;

  /** The scenarios a soak explores, in order: every correct design (see StrategyTable.correctDesigns). */
  static List<Scenario> scenarios() {
    return StrategyTable.correctDesigns();
  }

  /** The designs named in {@code names}, in soak order; a name that is not a correct design is bad input. */
  static List<Scenario> chosen(List<Scenario> designs, List<String> names) {
    if (names == null || names.isEmpty()) {
      return designs;
    }
    List<String> known = designs.stream().map(Scenario::name).toList();
    for (String n : names) {
      if (!known.contains(n)) {
        throw new Main.BadInput("irqlab soak: " + n + ": not one of the correct designs a soak explores; expected one of: "
            + String.join(", ", known));
      }
    }
    return designs.stream().filter(s -> names.contains(s.name())).toList();
  }

  @Override
  public Integer call() {
    if (jobs < 1 || seed < 0 || (schedules != null && schedules < 1)) {
      throw new Main.BadInput("irqlab soak: --schedules and --jobs: expected a number >= 1, --seed: >= 0");
    }
    try {
      Strategies.of(strategy.equals("pct") ? "pct-3" : strategy, 0);
    } catch (IllegalArgumentException e) {
      throw new Main.BadInput("irqlab soak: --strategy: " + e.getMessage());
    }
    long budget = time == null ? 0 : ExploreCommand.parseTime(time);
    int perScenario = schedules != null ? schedules : budget > 0 ? Integer.MAX_VALUE : 100;
    List<Scenario> all = chosen(scenarios(), only);
    PrintWriter out = spec.commandLine().getOut();
    out.printf("soak: %d scenarios with %s (seed %d), %s%n", all.size(), strategy, seed,
        budget > 0 ? time + " in all" + (schedules != null ? ", at most " + schedules + " schedules each" : "")
            : perScenario + " schedules each");
    out.printf("  %-32s %12s %15s %9s  %s%n", "scenario", "schedules", "steps", "failures", "kinds / first failure");
    long total = 0;
    long failed = 0;
    long steps = 0;
    for (int i = 0; i < all.size(); i++) {
      Scenario s = all.get(i);
      long slice = budget <= 0 ? 0 : Math.max(1, budget / all.size());
      Exploration.Options o = new Exploration.Options(strategy, seed, perScenario, jobs, 1, Exploration.Shard.ALL,
          slice, 0);
      Exploration.Report r = ExploreCommand.withProgress(s.name(), perScenario == Integer.MAX_VALUE ? 0 : perScenario,
          p -> Exploration.explore(s, o, p));
      StringBuilder kinds = new StringBuilder();
      new TreeMap<>(r.kinds()).forEach((k, n) -> kinds.append(kinds.length() == 0 ? "" : ", ").append(k)
          .append(" (").append(n).append(')'));
      if (r.firstFailure() != null) {
        kinds.append("; first ").append(r.firstFailure().id());
      }
      out.printf("  %-32s %12d %15d %9d  %s%n", s.name(), r.explored(), r.steps(), r.failed(), kinds);
      out.flush();
      total += r.explored();
      failed += r.failed();
      steps += r.steps();
    }
    out.printf("  %-32s %12d %15d %9d%n", "total", total, steps, failed);
    out.flush();
    return failed == 0 ? 0 : Main.VIOLATION;
  }
}
