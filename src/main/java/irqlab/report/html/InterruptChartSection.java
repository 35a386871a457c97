package irqlab.report.html;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import irqlab.sim.RunResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Handler runs per CPU and per interrupt in each bucket of virtual time, as stacked series: the
 * busiest {@link #TOP} of each kind by total, the rest summed as "other"; actions, kernel log lines
 * and violations as marks on the time axis.
 */
final class InterruptChartSection implements ReportSection {
  static final int TOP = 12;

  private final RunRecorder rec;
  private final RunResult r;

  InterruptChartSection(RunRecorder rec, RunResult r) {
    this.rec = rec;
    this.r = r;
  }

  @Override
  public String id() {
    return "interrupts";
  }

  @Override
  public String title() {
    return "Interrupts over time (handler runs per interval)";
  }

  @Override
  public String script() {
    return "interrupts.js";
  }

  /** A named series of per-bucket counts and its total. */
  record Line(String label, long[] values, long total) {
    static Line of(String label, long[] values) {
      long t = 0;
      for (long v : values) {
        t += v;
      }
      return new Line(label, values, t);
    }
  }

  @Override
  public JsonNode data() {
    int n = rec.buckets();
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("step_ns", rec.stepNs());
    o.put("buckets", n);
    o.put("end_ns", r.endNs());
    List<Line> cpus = new ArrayList<>();
    for (int c = 0; c < rec.cpus(); c++) {
      long[] v = new long[n];
      for (int b = 0; b < n; b++) {
        v[b] = rec.perCpu(b, c);
      }
      cpus.add(Line.of("CPU" + c, v));
    }
    List<Line> irqs = new ArrayList<>();
    for (RunRecorder.Series s : rec.series()) {
      long[] v = new long[n];
      System.arraycopy(s.counts, 0, v, 0, Math.min(n, s.counts.length));
      irqs.add(Line.of(s.label + " (irq " + s.irq + ")", v));
    }
    o.set("cpu", top(cpus, n, "other CPUs"));
    o.set("irq", top(irqs, n, "other irqs"));
    o.set("marks", SummarySection.marks(r));
    return o;
  }

  /** The TOP lines with the largest totals (ties: first listed), in their original order, then "other". */
  static ArrayNode top(List<Line> lines, int n, String otherLabel) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparingLong((Integer i) -> -lines.get(i).total()).thenComparingInt(i -> i));
    List<Integer> keep = new ArrayList<>(order.subList(0, Math.min(TOP, order.size())));
    keep.removeIf(i -> lines.get(i).total() == 0);
    keep.sort(Comparator.naturalOrder());
    long[] other = new long[n];
    boolean anyOther = false;
    for (int i = 0; i < lines.size(); i++) {
      if (!keep.contains(i)) {
        for (int b = 0; b < n; b++) {
          other[b] += lines.get(i).values()[b];
        }
        anyOther |= lines.get(i).total() != 0;
      }
    }
    ArrayNode a = JsonNodeFactory.instance.arrayNode();
    for (int i : keep) {
      add(a, lines.get(i).label(), lines.get(i).values());
    }
    if (anyOther) {
      add(a, otherLabel, other);
    }
    return a;
  }

  private static void add(ArrayNode a, String label, long[] values) {
    ObjectNode j = a.addObject();
    j.put("label", label);
    ArrayNode v = j.putArray("values");
    for (long x : values) {
      v.add(x);
    }
  }
}
