package irqlab.cli;

import irqlab.report.RunReport;
import irqlab.report.TermLayout;
import irqlab.report.html.HtmlReport;
import irqlab.report.html.RunRecorder;
import irqlab.scenario.Scenario;
import irqlab.sim.RunResult;
import irqlab.sim.Simulation;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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

  @Override
  public Integer call() {
    Scenario s = ScenarioSource.load(scenario);
    long sd = seed != null ? seed : s.seed();
    if (sd < 0) {
      throw new Main.BadInput("irqlab run: --seed: expected a non-negative number, got " + sd);
    }
    TermLayout layout = Layouts.of("irqlab run", cpus, width);
    RunResult r;
    if (html != null) {
      RunRecorder[] rec = new RunRecorder[1];
      r = Simulation.run(s, sd, m -> rec[0] = RunRecorder.attach(m));
      rec[0].finish(r.endNs());
      HtmlFile.write("irqlab run", html, HtmlReport.of(r, rec[0]));
    } else {
      r = Simulation.run(s, sd);
    }
    spec.commandLine().getOut().print(json ? RunReport.json(r) : RunReport.text(r, layout));
    spec.commandLine().getOut().flush();
    return r.ok() ? 0 : Main.VIOLATION;
  }
}
