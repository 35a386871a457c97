package irqlab.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import irqlab.scenario.Durations;
import irqlab.sim.trace.Trace;
import irqlab.sim.trace.TraceEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A schedule drawn the way races are drawn on the kernel lists: one column per actor (cpu1 |
 * nic0 | cpu2), one line per step that matters, the violation at the end, and a legend. What
 * matters: the accesses to the registers the violation involves (the unit its message was read
 * from), every message, interrupt entries and exits and handler runs, and the kernel's complaints,
 * from the first foreign write to those registers up to a few events past the first violation.
 * The JSON form keeps every event of the schedule.
 */
public final class TraceView {
  static final int COLUMN = 34;
  static final int MAX_LINES = 80;
  /** How far back (in events) the window may start before the first violation. */
  static final int LOOK_BACK = 4000;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private TraceView() {}

  // ------------------------------------------------------------------ text

  /**
   * The events that matter around the first violation (or the end): a null marks a cut where the
   * window was longer than {@link #MAX_LINES}.
   */
  public static List<TraceEvent> window(Trace t) {
    List<TraceEvent> ev = t.events();
    List<TraceEvent> shown = new ArrayList<>();
    if (ev.isEmpty()) {
      return shown;
    }
    int v = t.firstViolation();
    int end = v < 0 ? ev.size() - 1 : Math.min(ev.size() - 1, v + 3);
    int focus = v < 0 ? ev.size() - 1 : t.causeOf(v);
    Set<String> units = involvedUnits(ev, focus);
    int start = windowStart(ev, focus, units);
    TraceEvent.Message about = ev.get(focus).message();
    for (int i = start; i <= end; i++) {
      if (matters(ev.get(i), units, about)) {
        shown.add(ev.get(i));
      }
    }
    if (shown.size() > MAX_LINES) {
      List<TraceEvent> cut = new ArrayList<>(shown.subList(0, MAX_LINES / 4));
      cut.add(null);
      cut.addAll(shown.subList(shown.size() - (MAX_LINES - MAX_LINES / 4), shown.size()));
      shown = cut;
    }
    return shown;
  }

  /** The interleaving around the first violation (or the end) as columns. */
  public static String text(Trace t) {
    StringBuilder sb = new StringBuilder();
    List<TraceEvent> shown = window(t);
    if (shown.isEmpty()) {
      return "  (no steps)\n";
    }
    int v = t.firstViolation();
    LinkedHashSet<Integer> cols = new LinkedHashSet<>();
    List<Integer> ids = new ArrayList<>();
    for (TraceEvent e : shown) {
      if (e != null) {
        ids.add(e.actor());
      }
    }
    ids.stream().sorted().forEach(cols::add);
    List<Integer> order = new ArrayList<>(cols);
    sb.append("  legend:");
    for (int id : order) {
      Trace.ActorInfo a = t.actors().get(id);
      sb.append(' ').append(a.name()).append(" = actor ").append(id).append(" (").append(a.kind())
          .append(a.cpu() >= 0 && !a.kind().equals("cpu") ? " on CPU " + a.cpu() : "").append(')').append(id == order.get(order.size() - 1) ? "" : ",");
    }
    sb.append('\n');
    sb.append(String.format("  %12s  ", "time"));
    for (int i = 0; i < order.size(); i++) {
      String name = t.actors().get(order.get(i)).name();
      sb.append(i + 1 < order.size() ? pad(name, COLUMN) + "| " : name);
    }
    sb.append('\n');
    long prevSeq = -1;
    for (TraceEvent e : shown) {
      if (e == null) {
        sb.append(String.format("  %12s  ...%n", ""));
        prevSeq = -1;
        continue;
      }
      if (prevSeq >= 0 && e.seq() > prevSeq + 1) {
        long n = e.seq() - prevSeq - 1;
        sb.append(String.format("  %12s  (%d %s that %s not touch these registers)%n", "", n, n == 1 ? "event" : "events",
            n == 1 ? "does" : "do"));
      }
      prevSeq = e.seq();
      sb.append(String.format("  %12s  ", Durations.format(e.timeNs())));
      int col = order.indexOf(e.actor());
      for (int i = 0; i < col; i++) {
        sb.append(pad("", COLUMN)).append("| ");
      }
      sb.append(describe(e)).append('\n');
    }
    if (v < 0 && !t.violations().isEmpty()) {
      sb.append("  at quiescence: ").append(t.violations().get(0)).append('\n');
    } else if (!t.violations().isEmpty()) {
      sb.append("  violation: ").append(t.violations().get(0)).append('\n');
    }
    sb.append("  verdict: ").append(t.verdict()).append('\n');
    return sb.toString();
  }

  /** The resource units the violation involves: those the violating actor's last access touched. */
  private static Set<String> involvedUnits(List<TraceEvent> ev, int focus) {
    Set<String> units = new HashSet<>();
    TraceEvent f = ev.get(focus);
    for (int i = focus; i >= 0 && i > focus - LOOK_BACK; i--) {
      TraceEvent e = ev.get(i);
      if (e.actor() == f.actor() && e.type() == TraceEvent.Type.ACCESS && e.resource() != null
          && !e.access().equals("sync")) {
        units.add(e.resource() + "#" + e.unit());
        break;
      }
    }
    return units;
  }

  /**
   * Where the drawing starts: a few events before the latest burst of writes another actor made to
   * an involved unit (the operation the violation raced with), else a few events back.
   */
  private static int windowStart(List<TraceEvent> ev, int focus, Set<String> units) {
    int owner = ev.get(focus).actor();
    int writer = -1;
    int first = -1;
    for (int i = focus; i >= 0 && i > focus - LOOK_BACK; i--) {
      TraceEvent e = ev.get(i);
      boolean onUnit = e.type() == TraceEvent.Type.ACCESS && e.resource() != null
          && units.contains(e.resource() + "#" + e.unit());
      if (!onUnit) {
        continue;
      }
      if (writer < 0) {
        if (e.actor() != owner && "write".equals(e.access())) {
          writer = e.actor();
          first = i;
        }
      } else if (e.actor() == writer) {
        first = i;
      } else {
        break; // another actor touched the unit: the burst began after it
      }
    }
    if (first < 0) {
      return Math.max(0, focus - 12);
    }
    int start = first;
    for (int n = 0; start > 0 && n < 3; start--) {
      if (ev.get(start - 1).actor() == writer && ev.get(start - 1).type() != TraceEvent.Type.START) {
        n++;
      }
    }
    return start;
  }

  /**
   * Whether an event is drawn: accesses to the involved units; messages for the interrupt the
   * violating message was sent for, and any that went astray; handler runs of that interrupt and
   * of the one it landed on; violations. Without a violating message, every message and handler.
   */
  private static boolean matters(TraceEvent e, Set<String> units, TraceEvent.Message about) {
    switch (e.type()) {
      case ACCESS:
        return e.resource() != null && units.contains(e.resource() + "#" + e.unit());
      case MESSAGE: {
        TraceEvent.Message m = e.message();
        return about == null || m.misrouted() || (m.cpu() >= 0 && m.landedIrq() < 0)
            || (m.device().equals(about.device()) && m.intended().equals(about.intended()));
      }
      case HANDLER:
        return about == null || e.handler().irq() == about.intendedIrq() || e.handler().irq() == about.landedIrq();
      case VIOLATION:
        return true;
      default:
        return false;
    }
  }

  /** One event in a few words: "W msix[1].data = 0x22", "message 0xfee02000/0x22 -> CPU2 v34". */
  public static String describe(TraceEvent e) {
    switch (e.type()) {
      case START:
        return "starts work";
      case IRQ_ENTRY:
        return "irq entry";
      case IRQ_EXIT:
        return "irq exit";
      case HANDLER: {
        TraceEvent.Handler h = e.handler();
        return "handler irq " + h.irq() + (h.name().isEmpty() ? "" : " " + h.name()) + " -> " + h.result();
      }
      case VIOLATION:
        return "!! " + e.detail();
      case MESSAGE: {
        TraceEvent.Message m = e.message();
        StringBuilder sb = new StringBuilder("message ").append(String.format("0x%x/0x%x", m.address(), m.data()));
        if (m.cpu() >= 0) {
          sb.append(" -> CPU").append(m.cpu()).append(" vector ").append(m.vector()).append(": ")
              .append(m.landed().isEmpty() ? "no handler" : m.landed());
        } else {
          sb.append(": ").append(m.outcome());
        }
        if (m.misrouted()) {
          sb.append(" !! MISROUTED, sent for ").append(m.intended());
        } else if (!m.intended().isEmpty() && m.cpu() >= 0 && m.landed().isEmpty()) {
          sb.append(" !! sent for ").append(m.intended());
        }
        return sb.toString();
      }
      default:
        break;
    }
    if (e.resource() == null) {
      return e.what();
    }
    String op = switch (e.access()) {
      case "read" -> "R ";
      case "write" -> "W ";
      default -> "";
    };
    if (op.isEmpty()) {
      return e.what().replace("raw_spin_", "") + " " + e.resource();
    }
    String target = e.target() == null ? e.resource() : e.target();
    String dev = e.resource().endsWith(" msix") || e.resource().endsWith(" config") || e.resource().endsWith(" regs")
        ? e.resource().substring(0, e.resource().lastIndexOf(' ')) + " " : "";
    if (e.what().equals("device signal")) {
      target = target.replaceFirst("\\.addr_lo$", "");
    }
    String what = e.what().equals("device signal") ? "signal: R " : e.what().equals("device completion") ? "completion: W " : op;
    return what + dev + target + (e.value() == null ? "" : String.format(" = 0x%x", e.value()));
  }

  private static String pad(String s, int w) {
    return s.length() >= w ? s.substring(0, w - 1) + " " : s + " ".repeat(w - s.length());
  }

  // ------------------------------------------------------------------ JSON

  /** Every event of the schedule as a JSON object (null fields left out). */
  public static ObjectNode json(Trace t) {
    return json(t, t.events());
  }

  /** The trace with only the events {@link #text} draws. */
  public static ObjectNode jsonWindow(Trace t) {
    List<TraceEvent> w = new ArrayList<>(window(t));
    w.removeIf(java.util.Objects::isNull);
    return json(t, w);
  }

  private static ObjectNode json(Trace t, List<TraceEvent> list) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("scenario", t.scenario());
    o.put("schedule", t.schedule());
    o.put("verdict", t.verdict());
    ArrayNode k = o.putArray("kinds");
    t.kinds().forEach(k::add);
    ArrayNode vs = o.putArray("violations");
    t.violations().forEach(vs::add);
    ArrayNode actors = o.putArray("actors");
    for (Trace.ActorInfo a : t.actors()) {
      actors.add(actor(a));
    }
    ArrayNode events = o.putArray("events");
    for (TraceEvent e : list) {
      events.add(event(e));
    }
    return o;
  }

  /** An actor as a JSON object: id, name, kind and, when it has one, its CPU. */
  public static ObjectNode actor(Trace.ActorInfo a) {
    ObjectNode an = MAPPER.createObjectNode();
    an.put("id", a.id());
    an.put("name", a.name());
    an.put("kind", a.kind());
    if (a.cpu() >= 0) {
      an.put("cpu", a.cpu());
    }
    return an;
  }

  /** One event as a JSON object (null fields left out), as {@link #json} lists them. */
  public static ObjectNode event(TraceEvent e) {
    ObjectNode en = MAPPER.createObjectNode();
    en.put("seq", e.seq());
    en.put("step", e.step());
    en.put("t_ns", e.timeNs());
    en.put("actor", e.actor());
    en.put("type", e.type().name().toLowerCase(Locale.ROOT));
    en.put("what", e.what());
    if (e.resource() != null) {
      en.put("resource", e.resource());
      if (e.target() != null) {
        en.put("target", e.target());
      }
      en.put("access", e.access());
      en.put("unit", e.unit());
    }
    if (e.value() != null) {
      en.put("value", e.value());
    }
    if (e.message() != null) {
      TraceEvent.Message m = e.message();
      ObjectNode mn = en.putObject("message");
      mn.put("device", m.device());
      mn.put("address", m.address());
      mn.put("data", m.data());
      mn.put("outcome", m.outcome());
      if (m.cpu() >= 0) {
        mn.put("cpu", m.cpu());
        mn.put("vector", m.vector());
      }
      mn.put("intended", m.intended());
      mn.put("intended_irq", m.intendedIrq());
      mn.put("landed", m.landed());
      mn.put("landed_irq", m.landedIrq());
      mn.put("misrouted", m.misrouted());
    }
    if (e.handler() != null) {
      TraceEvent.Handler h = e.handler();
      ObjectNode hn = en.putObject("handler");
      hn.put("irq", h.irq());
      hn.put("name", h.name());
      hn.put("action", h.action());
      hn.put("cpu", h.cpu());
      hn.put("result", h.result());
    }
    if (e.detail() != null) {
      en.put("detail", e.detail());
    }
    if (e.cause() >= 0) {
      en.put("cause", e.cause());
    }
    return en;
  }
}
