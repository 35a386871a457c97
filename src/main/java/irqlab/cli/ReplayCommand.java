package irqlab.cli;

import irqlab.report.RunReport;
import irqlab.report.html.HtmlReport;
import irqlab.report.html.RunRecorder;
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

  @Option(names = "--html", paramLabel = "FILE",
      description = "Also write a self-contained HTML report of the replayed schedule's run.")
  java.nio.file.Path html;

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
    RunRecorder[] rec = new RunRecorder[1];
    Exploration.Replay rp = html == null ? Exploration.replay(s, id)
        : Exploration.replay(s, id, m -> rec[0] = RunRecorder.attach(m));
    if (html != null) {
      if (rp.result() == null) {
        throw new Main.BadInput("irqlab replay: --html: schedule " + id + " built no machine, nothing to report");
      }
      rec[0].finish(rp.result().endNs());
      HtmlFile.write("irqlab replay", html, HtmlReport.ofReplay(rp.result(), rec[0], id.toString()));
    }
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
