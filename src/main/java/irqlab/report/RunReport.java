package irqlab.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import irqlab.kernel.KernelLog;
import irqlab.kernel.KernelProfile;
import irqlab.kernel.cpu.CpuMask;
import irqlab.scenario.Durations;
import irqlab.sim.RunResult;
import irqlab.sim.Violation;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A run's result as text for people and as JSON for tools. Both depend on the result alone: the
 * same scenario and seed give the same bytes (no wall clock, no hash ordering).
 */
public final class RunReport {
  /** Above this many CPUs the per-CPU columns become "cpu:count" lists of the non-zero counts. */
  static final int MAX_CPU_COLUMNS = 16;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private RunReport() {}

  // ------------------------------------------------------------------ text

  public static String text(RunResult r) {
    return text(r, TermLayout.DEFAULT);
  }

  /** The text report with its per-CPU tables laid out for {@code layout} (CPU selection, width). */
  public static String text(RunResult r, TermLayout layout) {
    StringBuilder sb = new StringBuilder();
    sb.append("irqlab run: ").append(r.scenario()).append("  seed ").append(r.seed()).append("  ")
        .append(r.cpus()).append(r.cpus() == 1 ? " CPU" : " CPUs").append("  ended at ")
        .append(Durations.format(r.endNs())).append("  ").append(r.events()).append(" events  -> ")
        .append(r.verdict()).append('\n');
    sb.append(kernelLine(r.kernel(), r.variants())).append('\n');

    sb.append("\nDevices:\n");
    if (r.devices().isEmpty()) {
      sb.append("  none\n");
    } else {
      List<String[]> rows = new ArrayList<>();
      for (RunResult.DeviceStat d : r.devices()) {
        rows.add(new String[] {d.id(), d.bdf(), Long.toString(d.completed()), Long.toString(d.outstanding()),
          Long.toString(d.messagesSent()), Long.toString(d.messagesHeldPending())});
      }
      sb.append(Table.render(new String[] {"device", "bdf", "completed", "outstanding", "msgs-sent", "msgs-held"},
          rows, new boolean[] {false, false, true, true, true, true}));
      sb.append("  (completed: work items the device finished; outstanding: finished but not yet consumed\n"
          + "   by a handler; msgs-held: messages held back by a masked MSI-X entry or MSI vector)\n");
      StringBuilder idle = new StringBuilder();
      for (RunResult.DeviceStat d : r.devices()) {
        if (d.idleArrivals() > 0) {
          idle.append(idle.length() == 0 ? "" : ", ").append(d.id()).append(' ').append(d.idleArrivals());
        }
      }
      if (idle.length() > 0) {
        sb.append("  idle arrivals: ").append(idle).append('\n')
            .append("  (traffic that found its queue not running and completed nothing: an interface carries\n"
            + "   traffic between link-up and link-down, an nvme queue while a CPU of its context is online,\n"
            + "   any device while its driver is bound)\n");
      }
    }

    sb.append("\nInterrupts (delivered = handler runs counted per CPU, as /proc/interrupts shows them):\n");
    if (r.irqs().isEmpty()) {
      sb.append("  none\n");
    } else {
      sb.append(irqTable(r, true, layout));
      boolean anySpurious = r.irqs().stream().anyMatch(s -> s.spuriousTotal() != 0);
      if (anySpurious) {
        sb.append("\nSpurious (handler runs no action claimed, IRQ_NONE) per CPU:\n");
        sb.append(irqTable(r, false, layout));
      } else {
        sb.append("  spurious: none (every handler run was claimed)\n");
      }
    }

    if (!r.vmds().isEmpty()) {
      sb.append("\nVMD (children's interrupts run on their VMD vector's):\n");
      for (String line : VmdView.render(r.vmds()).split("\n")) {
        sb.append("  ").append(line).append('\n');
      }
    }

    sb.append("\nActions:\n");
    appendLines(sb, alignTimes(r.actions()));

    sb.append("\nKernel log:\n");
    List<String> dmesg = new ArrayList<>();
    for (KernelLog.Line l : r.dmesg()) {
      dmesg.add(l.formatted() + ("info".equals(l.level()) ? "" : "  <" + l.level() + ">"));
    }
    appendLines(sb, dmesg);

    sb.append("\nViolations:");
    if (r.violations().isEmpty()) {
      sb.append(" none\n");
    } else {
      sb.append(' ').append(r.violations().size()).append('\n');
      for (Violation v : r.violations()) {
        sb.append("  ").append(v.kind()).append(" at ").append(Durations.format(v.timeNs())).append(": ")
            .append(v.detail()).append('\n');
      }
    }

    sb.append("\nExpectations: ");
    if (r.stopped() != null) {
      sb.append("not judged (the run did not end)\n");
    } else if (r.failedExpectations().isEmpty()) {
      sb.append("met\n");
    } else {
      sb.append("NOT met\n");
      for (String f : r.failedExpectations()) {
        sb.append("  ").append(f).append('\n');
      }
    }
    if (!r.unjudgedExpectations().isEmpty()) {
      sb.append("  not judged for an explored schedule (handler-run counts follow its timing):\n");
      for (String f : r.unjudgedExpectations()) {
        sb.append("    ").append(f).append('\n');
      }
    }
    sb.append("\nResult: ").append(r.verdict());
    if (r.stopped() != null) {
      sb.append(": ").append(stopped(r)).append("; the run is unfinished and not judged");
    }
    return sb.append('\n').toString();
  }

  /** What ended a run its budget stopped: "the event budget of 1000 ran out at t=2ms". */
  public static String stopped(RunResult r) {
    RunResult.Stop s = r.stopped();
    if (s.limit().equals("events")) {
      return "the event budget of " + s.max() + " ran out at t=" + Durations.format(r.endNs()) + " ("
          + r.events() + " events, " + s.interrupts() + " interrupts taken)";
    }
    return "the next event is due at t=" + Durations.format(s.nextNs()) + ", past the time budget of "
        + Durations.format(s.max()) + " (" + r.events() + " events run)";
  }

  /**
   * "Kernel: 6.12 (Linux 6.12.117 as shipped)", with "; variants: a, b" when some are on: which
   * kernel a run or view stands for.
   */
  public static String kernelLine(String version, List<String> variants) {
    KernelProfile p = KernelProfile.named(version);
    StringBuilder sb = new StringBuilder("Kernel: ").append(p == null ? version : p.describe());
    if (!variants.isEmpty()) {
      sb.append("; variants: ").append(String.join(", ", variants));
    }
    return sb.toString();
  }

  /** The action column: "-" without one, "(freed)" for an interrupt freed during the run. */
  private static String action(RunResult.IrqStat s) {
    return s.freed() ? "(freed)" : s.action().isEmpty() ? "-" : s.action();
  }

  /** "2ms write ..." lines with their leading times right-aligned to one column. */
  private static List<String> alignTimes(List<String> lines) {
    int w = 0;
    for (String l : lines) {
      int sp = l.indexOf(' ');
      w = Math.max(w, sp < 0 ? 0 : sp);
    }
    List<String> out = new ArrayList<>();
    for (String l : lines) {
      int sp = l.indexOf(' ');
      out.add(sp < 0 ? l : Fmt.right(l.substring(0, sp), w) + l.substring(sp));
    }
    return out;
  }

  private static void appendLines(StringBuilder sb, List<String> lines) {
    if (lines.isEmpty()) {
      sb.append("  none\n");
    }
    for (String l : lines) {
      sb.append("  ").append(l).append('\n');
    }
  }

  /** The per-CPU table; wider than the layout's width, the compact summary instead. */
  private static String irqTable(RunResult r, boolean delivered, TermLayout layout) {
    String full = columnTable(r, delivered, layout);
    return layout.tooWide(full) ? compactTable(r, delivered, layout) : full;
  }

  /**
   * One row per interrupt: name, irq, action, total, (spurious,) how many CPUs counted it,
   * (affinity, effective,) then its busiest CPUs as "cpu:count", as many as the width allows.
   */
  private static String compactTable(RunResult r, boolean delivered, TermLayout layout) {
    List<String> head = new ArrayList<>(List.of("name", "irq", "action", "total"));
    if (delivered) {
      head.add("spurious");
    }
    head.add("cpus");
    if (delivered) {
      head.addAll(List.of("affinity", "effective"));
    }
    List<String[]> rows = new ArrayList<>();
    List<long[]> counts = new ArrayList<>();
    for (RunResult.IrqStat s : r.irqs()) {
      long[] v = delivered ? s.delivered() : s.spurious();
      counts.add(v);
      List<String> row = new ArrayList<>(List.of(s.name(), Integer.toString(s.irq()),
          action(s), Long.toString(delivered ? s.deliveredTotal() : s.spuriousTotal())));
      if (delivered) {
        row.add(Long.toString(s.spuriousTotal()));
      }
      row.add(Integer.toString(layout.active(v)));
      if (delivered) {
        row.add(s.affinity().isEmpty() ? "-" : s.affinity());
        row.add(s.effective().isEmpty() ? "-" : s.effective());
      }
      rows.add(row.toArray(String[]::new));
    }
    boolean[] right = new boolean[head.size()];
    for (int i = 0; i < head.size(); i++) {
      String h = head.get(i);
      right[i] = h.equals("irq") || h.equals("total") || h.equals("spurious") || h.equals("cpus");
    }
    return Table.renderFitting(head.toArray(String[]::new), rows, right, "busiest (cpu:count)",
        layout.width(), (i, room) -> layout.busiest(counts.get(i), room));
  }

  private static String columnTable(RunResult r, boolean delivered, TermLayout layout) {
    boolean selected = layout.cpus() != null;
    boolean columns = selected || r.cpus() <= MAX_CPU_COLUMNS;
    boolean others = selected && layout.cpus().and(CpuMask.first(r.cpus())).cardinality() < r.cpus();
    List<String> head = new ArrayList<>(List.of("name", "irq", "action"));
    if (columns) {
      for (int c = 0; c < r.cpus(); c++) {
        if (layout.shows(c)) {
          head.add("CPU" + c);
        }
      }
      if (others) {
        head.add("other-CPUs");
      }
    } else {
      head.add("per-CPU (cpu:count)");
    }
    head.add("total");
    if (delivered) {
      head.addAll(List.of("spurious", "affinity", "effective"));
    }
    List<String[]> rows = new ArrayList<>();
    for (RunResult.IrqStat s : r.irqs()) {
      long[] v = delivered ? s.delivered() : s.spurious();
      List<String> row = new ArrayList<>(List.of(s.name(), Integer.toString(s.irq()),
          action(s)));
      if (columns) {
        long rest = 0;
        for (int c = 0; c < r.cpus(); c++) {
          long n = c < v.length ? v[c] : 0;
          if (layout.shows(c)) {
            row.add(Long.toString(n));
          } else {
            rest += n;
          }
        }
        if (others) {
          row.add(Long.toString(rest));
        }
      } else {
        List<String> nz = new ArrayList<>();
        for (int c = 0; c < v.length; c++) {
          if (v[c] != 0) {
            nz.add(c + ":" + v[c]);
          }
        }
        row.add(nz.isEmpty() ? "-" : String.join(" ", nz));
      }
      row.add(Long.toString(delivered ? s.deliveredTotal() : s.spuriousTotal()));
      if (delivered) {
        row.add(Long.toString(s.spuriousTotal()));
        row.add(s.affinity().isEmpty() ? "-" : s.affinity());
        row.add(s.effective().isEmpty() ? "-" : s.effective());
      }
      rows.add(row.toArray(String[]::new));
    }
    boolean[] right = new boolean[head.size()];
    for (int i = 1; i < head.size(); i++) {
      String h = head.get(i);
      right[i] = h.equals("irq") || h.startsWith("CPU") || h.equals("other-CPUs") || h.equals("total")
          || h.equals("spurious");
    }
    return Table.render(head.toArray(String[]::new), rows, right);
  }

  // ------------------------------------------------------------------ JSON

  /**
   * The result as one pretty-printed JSON object: keys in a fixed order, two-space indentation,
   * "\n" line ends, arrays of numbers or strings on one line.
   */
  public static String json(RunResult r) {
    StringBuilder sb = new StringBuilder();
    write(sb, tree(r), 0);
    return sb.append('\n').toString();
  }

  private static void write(StringBuilder sb, JsonNode n, int ind) {
    if (n.isObject()) {
      if (n.isEmpty()) {
        sb.append("{}");
        return;
      }
      sb.append("{\n");
      Iterator<Map.Entry<String, JsonNode>> it = n.properties().iterator();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        sb.append(Fmt.spaces(ind + 2)).append(new TextNode(e.getKey())).append(": ");
        write(sb, e.getValue(), ind + 2);
        sb.append(it.hasNext() ? ",\n" : "\n");
      }
      sb.append(Fmt.spaces(ind)).append('}');
    } else if (n.isArray()) {
      boolean scalars = true;
      for (JsonNode e : n) {
        scalars &= e.isValueNode();
      }
      if (n.isEmpty() || scalars) {
        sb.append('[');
        for (int i = 0; i < n.size(); i++) {
          sb.append(i == 0 ? "" : ", ").append(n.get(i));
        }
        sb.append(']');
        return;
      }
      sb.append("[\n");
      for (int i = 0; i < n.size(); i++) {
        sb.append(Fmt.spaces(ind + 2));
        write(sb, n.get(i), ind + 2);
        sb.append(i + 1 < n.size() ? ",\n" : "\n");
      }
      sb.append(Fmt.spaces(ind)).append(']');
    } else {
      sb.append(n); // value nodes print as JSON literals, strings quoted and escaped
    }
  }

  /** The JSON object before printing, for callers that embed it. */
  public static ObjectNode tree(RunResult r) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("scenario", r.scenario());
    o.put("seed", r.seed());
    o.put("cpus", r.cpus());
    o.put("kernel", r.kernel());
    ArrayNode variants = o.putArray("variants");
    r.variants().forEach(variants::add);
    o.put("end_ns", r.endNs());
    o.put("events", r.events());
    ArrayNode irqs = o.putArray("irqs");
    for (RunResult.IrqStat s : r.irqs()) {
      ObjectNode i = irqs.addObject();
      i.put("name", s.name());
      i.put("irq", s.irq());
      i.put("action", s.action());
      i.put("freed", s.freed());
      ArrayNode del = i.putArray("delivered");
      for (long v : s.delivered()) {
        del.add(v);
      }
      ArrayNode sp = i.putArray("spurious");
      for (long v : s.spurious()) {
        sp.add(v);
      }
      i.put("affinity", s.affinity());
      i.put("effective", s.effective());
    }
    ArrayNode devs = o.putArray("devices");
    for (RunResult.DeviceStat d : r.devices()) {
      ObjectNode j = devs.addObject();
      j.put("id", d.id());
      j.put("bdf", d.bdf());
      j.put("completed", d.completed());
      j.put("outstanding", d.outstanding());
      j.put("messages_sent", d.messagesSent());
      j.put("messages_held_pending", d.messagesHeldPending());
      j.put("idle_arrivals", d.idleArrivals());
    }
    ArrayNode vmds = o.putArray("vmds");
    for (RunResult.VmdStat v : r.vmds()) {
      ObjectNode j = vmds.addObject();
      j.put("id", v.id());
      j.put("name", v.name());
      j.put("bdf", v.bdf());
      j.put("pci_domain", Integer.toHexString(v.pciDomain()));
      j.put("bypass", v.bypass());
      j.put("domain", v.domain());
      j.put("first_vec", v.firstVec());
      j.put("children_per_vector", v.childrenPerVector());
      j.put("idle_child_runs", v.idleChildRuns());
      ArrayNode vs = j.putArray("vectors");
      for (RunResult.VmdVector x : v.vectors()) {
        ObjectNode k = vs.addObject();
        k.put("index", x.index());
        k.put("irq", x.irq());
        k.put("cpu", x.cpu());
        k.put("count", x.count());
        k.put("children", x.assigned());
        k.put("peak", x.peak());
        k.put("runs", x.runs());
        k.put("calls", x.childCalls());
        k.put("child_runs", x.childRuns());
        k.put("claimed", x.claimed());
        ArrayNode c = k.putArray("child_interrupts");
        x.children().forEach(c::add);
      }
    }
    ArrayNode actions = o.putArray("actions");
    r.actions().forEach(actions::add);
    ArrayNode dmesg = o.putArray("dmesg");
    for (KernelLog.Line l : r.dmesg()) {
      ObjectNode j = dmesg.addObject();
      j.put("time_ns", l.timeNs());
      j.put("level", l.level());
      j.put("text", l.text());
    }
    ArrayNode viol = o.putArray("violations");
    for (Violation v : r.violations()) {
      ObjectNode j = viol.addObject();
      j.put("kind", v.kind());
      j.put("time_ns", v.timeNs());
      j.put("detail", v.detail());
    }
    ArrayNode failed = o.putArray("failed_expectations");
    r.failedExpectations().forEach(failed::add);
    if (!r.unjudgedExpectations().isEmpty()) {
      ArrayNode unjudged = o.putArray("unjudged_expectations");
      r.unjudgedExpectations().forEach(unjudged::add);
    }
    if (r.stopped() == null) {
      o.putNull("stopped");
    } else {
      ObjectNode st = o.putObject("stopped");
      st.put("limit", r.stopped().limit());
      st.put("max", r.stopped().max());
      st.put("next_ns", r.stopped().nextNs());
      st.put("interrupts", r.stopped().interrupts());
    }
    o.put("ok", r.ok());
    return o;
  }
}
