package irqlab.bench;

import irqlab.kernel.Variants;
import irqlab.scenario.BuiltinScenarios;
import irqlab.scenario.Scenario;
import irqlab.sim.Exploration;
import java.util.ArrayList;
import java.util.List;

/**
 * How well each strategy finds the known races: for every racy built-in and every scenario of the
 * race set, each strategy's first failing schedule and failures per 1,000 schedules, and (the
 * other side of it) the same for the correct designs, where every failure is a false alarm. What
 * the README's strategy table shows; reproducible with {@code irqlab bench strategies}.
 */
public final class StrategyTable {
  /** The strategies compared, the default first. */
  public static final List<String> STRATEGIES = List.of("delay", "pos", "random", "pct");
  /** Built-ins with a race explore must find (run mode never shows it), 6.12 as shipped or a variant. */
  public static final List<String> RACY_BUILTINS = List.of("msix-affinity-race-unmasked", "torn-msi",
      "torn-msi-direct", "torn-msi-offline", "torn-msi-offline-direct");
  /** Their correct designs, in the same order (where two racy ones share one). */
  public static final List<String> CORRECT_BUILTINS = List.of("msix-affinity-race", "torn-msi-detour",
      "torn-msi-detour", "torn-msi-offline-detour", "torn-msi-offline-detour");

  private StrategyTable() {}

  /**
   * Every design that must explore clean, in order: each built-in whose design is correct (no
   * variant but msi-nomask-detour, the detour design, and not one of the built-ins that show a race
   * of 6.12 as shipped), then the correct designs of the race set. What {@code irqlab soak} explores
   * and {@code bench strategies --correct} measures.
   */
  public static List<Scenario> correctDesigns() {
    java.util.Set<String> racy = java.util.Set.copyOf(RACY_BUILTINS);
    List<Scenario> all = new ArrayList<>();
    for (String name : BuiltinScenarios.names()) {
      Scenario s = BuiltinScenarios.load(name);
      boolean correctDesign = s.machine().variants().stream().allMatch(v -> v.equals(Variants.MSI_NOMASK_DETOUR));
      if (correctDesign && !racy.contains(name)) {
        all.add(s);
      }
    }
    all.addAll(RaceScenarios.correctDesigns());
    return all;
  }

  /**
   * One cell: a strategy on a scenario. {@code first} is the index of the first failing schedule
   * (so {@code first + 1} schedules found it), -1 when nothing failed.
   */
  public record Cell(String scenario, String strategy, int schedules, int failed, int first, double seconds) {
    public double perThousand() {
      return failed * 1000.0 / schedules;
    }
  }

  /** Explores every racy scenario (and, when {@code correct}, every correct counterpart) with each strategy. */
  public static List<Cell> run(int schedules, boolean correct, java.util.function.Consumer<Cell> progress) {
    List<Scenario> scenarios = correct ? correctDesigns() : new ArrayList<>();
    if (!correct) {
      for (String b : RACY_BUILTINS) {
        scenarios.add(BuiltinScenarios.load(b));
      }
      for (String r : RaceScenarios.NAMES) {
        scenarios.add(RaceScenarios.load(r));
      }
    }
    List<Cell> cells = new ArrayList<>();
    for (Scenario s : scenarios) {
      for (String strategy : STRATEGIES) {
        long t0 = System.nanoTime();
        Exploration.Report r = Exploration.explore(s, Exploration.Options.of(strategy, 1, schedules).keep(1), i -> {});
        Cell c = new Cell(s.name(), r.strategy(), r.explored(), r.failed(),
            r.firstFailure() == null ? -1 : r.firstFailure().id().index(), (System.nanoTime() - t0) / 1e9);
        cells.add(c);
        progress.accept(c);
      }
    }
    return cells;
  }

  /** A cell as a table row. */
  public static String row(Cell c) {
    return String.format("| %s | %s | %s | %.0f | %.0f |", c.scenario(), c.strategy(),
        c.first() < 0 ? "none in " + c.schedules() : Integer.toString(c.first() + 1), c.perThousand(),
        c.schedules() / c.seconds());
  }

  public static String header() {
    return "| scenario | strategy | schedules to the first failure | failures per 1,000 | schedules/s |\n| --- | --- | ---: | ---: | ---: |";
  }
}
