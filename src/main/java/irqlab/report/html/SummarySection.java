package irqlab.report.html;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import irqlab.kernel.KernelLog;
import irqlab.report.RunReport;
import irqlab.sim.RunResult;
import irqlab.sim.Violation;

/** The verdict, devices, per-interrupt totals, actions, kernel log and violations of a run. */
final class SummarySection implements ReportSection {
  /** Rows of the per-interrupt table; the rest are counted, not listed (an accelerator has thousands). */
  static final int MAX_IRQ_ROWS = 256;

  private final RunResult r;
  private final String replayOf;

  SummarySection(RunResult r, String replayOf) {
    this.r = r;
    this.replayOf = replayOf;
  }

  @Override
  public String id() {
    return "summary";
  }

  @Override
  public String title() {
    return "Run";
  }

  @Override
  public String script() {
    return "summary.js";
  }

  @Override
  public JsonNode data() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("scenario", r.scenario());
    o.put("seed", Long.toString(r.seed())); // a JavaScript number would round a 64-bit seed
    if (replayOf != null) {
      o.put("schedule", replayOf);
    }
    o.put("cpus", r.cpus());
    o.put("kernel", RunReport.kernelLine(r.kernel(), r.variants()));
    o.put("end_ns", r.endNs());
    o.put("events", r.events());
    o.put("ok", r.ok());
    o.put("verdict", r.stopped() == null ? r.verdict() : r.verdict() + ": " + RunReport.stopped(r));
    o.set("devices", RunReport.tree(r).get("devices")); // the same objects as run --json
    ArrayNode irqs = o.putArray("irqs");
    o.put("irqs_omitted", Math.max(0, r.irqs().size() - MAX_IRQ_ROWS));
    for (RunResult.IrqStat s : r.irqs().subList(0, Math.min(MAX_IRQ_ROWS, r.irqs().size()))) {
      ObjectNode j = irqs.addObject();
      j.put("name", s.name());
      j.put("irq", s.irq());
      j.put("action", s.freed() ? "(freed)" : s.action());
      j.put("delivered", s.deliveredTotal());
      j.put("spurious", s.spuriousTotal());
      j.put("affinity", s.affinity());
      j.put("effective", s.effective());
    }
    o.set("marks", marks(r));
    ArrayNode failed = o.putArray("failed_expectations");
    r.failedExpectations().forEach(failed::add);
    return o;
  }

  /** Actions, kernel log lines and violations in one time-ordered list (stable: by kind within a time). */
  static ArrayNode marks(RunResult r) {
    ArrayNode a = JsonNodeFactory.instance.arrayNode();
    for (String l : r.actions()) {
      ObjectNode j = a.addObject();
      int sp = l.indexOf(' ');
      j.put("t", irqlab.scenario.Durations.parse(l.substring(0, sp)));
      j.put("kind", "action");
      j.put("text", l.substring(sp + 1));
    }
    for (KernelLog.Line l : r.dmesg()) {
      ObjectNode j = a.addObject();
      j.put("t", l.timeNs());
      j.put("kind", "dmesg");
      j.put("level", l.level());
      j.put("text", l.formatted());
    }
    for (Violation v : r.violations()) {
      ObjectNode j = a.addObject();
      j.put("t", v.timeNs());
      j.put("kind", "violation");
      j.put("text", v.kind() + ": " + v.detail());
    }
    return a;
  }
}
