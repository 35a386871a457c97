package irqlab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import irqlab.report.RunReport;
import irqlab.report.TraceView;
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

/** irqlab replay SCENARIO --schedule ID [--trace] [--json] [--max-steps N]. */
@Command(name = "replay", description = "Replay one explored schedule exactly and print what happened."
    + " Exits 1 when the schedule fails, as 'explore' judged it.")
final class ReplayCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SCENARIO", description = "A built-in scenario name or a YAML file.")
  String scenario;

  @Option(names = "--schedule", required = true, paramLabel = "ID",
      description = "A schedule id exactly as 'irqlab explore' printed it, e.g. delay:1:17.")
  String schedule;

  @Option(names = "--trace", description = "Draw the schedule: one column per actor, the steps around the violation.")
  boolean trace;

  @Option(names = "--json", description = "Print the schedule id, the decisions, the trace and the run's results as JSON.")
  boolean json;

  @Option(names = "--max-steps", paramLabel = "N", description = "The step bound explore ran with, if not its default.")
  Long maxSteps;

  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  @Option(names = "--html", paramLabel = "FILE",
      description = "Also write a self-contained HTML report of the replayed schedule: its interleaving as swimlanes"
          + " (one lane per actor, every step clickable) and its run.")
  java.nio.file.Path html;

  @Override
  public Integer call() throws Exception {
    ScheduleId id;
    try {
      id = ScheduleId.parse(schedule);
      Strategies.forId(id);
    } catch (IllegalArgumentException e) {
      throw new Main.BadInput("irqlab replay: --schedule: " + e.getMessage());
    }
    if (maxSteps != null && maxSteps < 1) {
      throw new Main.BadInput("irqlab replay: --max-steps: expected a number >= 1, got " + maxSteps);
    }
    Scenario s = ScenarioSource.load(scenario);
    RunRecorder[] rec = new RunRecorder[1];
    Exploration.Replay rp = Exploration.replay(s, id, maxSteps == null ? 0 : maxSteps, trace || json || html != null,
        m -> {
          if (html != null) {
            rec[0] = RunRecorder.attach(m);
          }
        });
    if (html != null) {
      if (rp.result() == null) {
        throw new Main.BadInput("irqlab replay: --html: schedule " + id + " built no machine, nothing to report");
      }
      rec[0].finish(rp.result().endNs());
      HtmlFile.write("irqlab replay", html, HtmlReport.ofReplay(rp.result(), rec[0], rp.trace()));
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectNode o = MAPPER.createObjectNode();
      o.put("schedule", id.toString());
      o.put("steps", rp.schedule().steps());
      o.put("decisions", rp.schedule().decisionLog());
      o.put("ok", !rp.outcome().failed());
      o.putArray("kinds").addAll(rp.outcome().kinds().stream().map(com.fasterxml.jackson.databind.node.TextNode::new).toList());
      o.put("verdict", rp.outcome().failed() ? rp.outcome().detail() : "passed");
      if (rp.result() != null) {
        o.set("run", MAPPER.readTree(RunReport.json(rp.result())));
      }
      o.set("trace", TraceView.json(rp.trace()));
      out.print(MAPPER.writeValueAsString(o) + "\n");
    } else {
      out.printf("schedule %s of %s: %d steps%n", id, s.name(), rp.schedule().steps());
      out.println("decisions (actor ids, N*k = k turns in a row): " + rp.schedule().decisionLog());
      if (rp.result() != null) {
        out.print(RunReport.text(rp.result()));
      }
      if (trace) {
        out.println();
        out.println("Trace (" + id + "):");
        out.print(TraceView.text(rp.trace()));
      }
      out.println(rp.outcome().failed() ? "schedule FAILED: " + rp.outcome().detail() : "schedule passed");
    }
    out.flush();
    return rp.outcome().failed() ? Main.VIOLATION : 0;
  }
}
