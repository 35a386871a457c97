package irqlab.cli;

import irqlab.report.RunReport;
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

  @Override
  public Integer call() {
    Scenario s = ScenarioSource.load(scenario);
    long sd = seed != null ? seed : s.seed();
    if (sd < 0) {
      throw new Main.BadInput("irqlab run: --seed: expected a non-negative number, got " + sd);
    }
    RunResult r = Simulation.run(s, sd);
    spec.commandLine().getOut().print(json ? RunReport.json(r) : RunReport.text(r));
    spec.commandLine().getOut().flush();
    return r.ok() ? 0 : Main.VIOLATION;
  }
}
