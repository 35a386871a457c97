package irqlab.cli;

import irqlab.report.RunReport;
import irqlab.report.TermLayout;
import irqlab.report.html.HtmlReport;
import irqlab.report.html.RunRecorder;
import irqlab.scenario.Scenario;
import irqlab.sim.RunResult;
import irqlab.sim.Simulation;
import java.util.List;
import java.util.concurrent.Callable;
import irqlab.sim.run.RunBudget;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** irqlab run [SCENARIO] [--seed N] [--json]. */
@Command(name = "run", description = "Run a scenario (the built-in default when none is given) and judge it.")
final class RunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "SCENARIO",
      description = "A built-in scenario name or a YAML file (default: ${DEFAULT-VALUE}).",
      defaultValue = ScenarioSource.DEFAULT)
  String scenario;

  @Option(names = "--seed", paramLabel = "N", description = "Override the scenario's seed.")
  Long seed;

  @Option(names = "--json", description = "Print the results as JSON.")
  boolean json;

  @Option(names = "--cpus", paramLabel = "LIST",
      description = "CPU columns of the interrupt tables, as a cpulist (e.g. 0-7 or 0,4,8-11).")
  String cpus;

  @Option(names = "--width", paramLabel = "N",
      description = "Fit the tables in N columns (0: no limit; default: $COLUMNS, else no limit); a table"
          + " wider than that becomes a per-interrupt summary with the busiest CPUs.")
  Integer width;

  @Option(names = "--html", paramLabel = "FILE",
      description = "Also write a self-contained HTML report (domain tree, vector matrix over time, interrupts over time).")
  java.nio.file.Path html;

  @Mixin BudgetOptions budget;

  @Override
  public Integer call() {
    Scenario s = ScenarioSource.load(scenario);
    long sd = seed != null ? seed : s.seed();
    TermLayout layout = Layouts.of("irqlab run", cpus, width);
    RunBudget b = budget.budget("irqlab run");
    RunResult r;
    RunRecorder[] rec = new RunRecorder[1];
    try (RunProgress progress = RunProgress.onTerminal("run " + s.name())) {
      r = Simulation.run(s, sd, b, progress, m -> {
        if (progress != null) {
          progress.timelineEnds(Math.min(m.endOfTimeline(), b.maxTimeNs()));
        }
        if (html != null) {
          rec[0] = RunRecorder.attach(m);
        }
      });
    }
    if (html != null) {
      rec[0].finish(r.endNs());
      HtmlFile.write("irqlab run", html, HtmlReport.of(r, rec[0]));
    }
    spec.commandLine().getOut().print(json ? RunReport.json(r) : RunReport.text(r, layout));
    spec.commandLine().getOut().flush();
    if (r.stopped() != null) {
      spec.commandLine().getErr().println(
          BudgetOptions.stoppedLine("irqlab run", RunReport.stopped(r), r.stopped().limit()));
    }
    // A failed probe is easy to miss in a report whose run went on without the device.
    List<String> probes = r.failedExpectations().stream().filter(f -> f.startsWith("probe ")).toList();
    if (!probes.isEmpty()) {
      spec.commandLine().getErr().println("irqlab run: " + String.join("; ", probes));
    }
    return r.ok() ? 0 : Main.VIOLATION;
  }
}
