package irqlab.cli;

import irqlab.report.RunReport;
import irqlab.scenario.Scenario;
import irqlab.sim.Exploration;
import irqlab.sim.explore.ScheduleId;
import irqlab.sim.explore.Strategies;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** irqlab replay SCENARIO --schedule ID. */
@Command(name = "replay", description = "Replay one explored schedule exactly and print what happened.")
final class ReplayCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SCENARIO", description = "A built-in scenario name or a YAML file.")
  String scenario;

  @Option(names = "--schedule", required = true, paramLabel = "ID",
      description = "A schedule id printed by 'irqlab explore', e.g. pct-3:1:17.")
  String schedule;

  @Option(names = "--json", description = "Print the run's results as JSON.")
  boolean json;

  @Override
  public Integer call() {
    ScheduleId id;
    try {
      id = ScheduleId.parse(schedule);
      Strategies.forId(id);
    } catch (IllegalArgumentException e) {
      throw new Main.BadInput("irqlab replay: --schedule: " + e.getMessage());
    }
    Scenario s = ScenarioSource.load(scenario);
    Exploration.Replay rp = Exploration.replay(s, id);
    PrintWriter out = spec.commandLine().getOut();
    if (json && rp.result() != null) {
      out.print(RunReport.json(rp.result()));
    } else {
      out.printf("schedule %s of %s: %d steps%n", id, s.name(), rp.schedule().steps());
      out.println("decisions (actor ids, N*k = k turns in a row): " + rp.schedule().decisionLog());
      if (rp.result() != null) {
        out.print(RunReport.text(rp.result()));
      }
      if (rp.schedule().failed()) {
        out.println("schedule failed: " + ExploreCommand.oneLine(rp.schedule().failure()));
      }
    }
    out.flush();
    return rp.schedule().failed() ? Main.VIOLATION : 0;
  }
}
