package irqlab.report.html;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import irqlab.report.TraceView;
import irqlab.sim.Violation;
import irqlab.sim.trace.Trace;
import irqlab.sim.trace.TraceEvent;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A replayed schedule's interleaving as swimlanes: one lane per actor, each step a mark in its
 * actor's lane, in the order the schedule ran them, each with its details, and the oracle's
 * violations tied to the steps that show them. Steady traffic makes long traces (a 20 ms race
 * takes about 80,000 steps), so events are packed: each distinct event (actor, type, what it
 * touched, values) is listed once, and every step is a few characters naming its event, step
 * number and time. Up to {@link #MAX_EVENTS} consecutive steps around the first violation are
 * drawn in detail; an overview counts every step of the schedule per lane.
 */
final class InterleavingSection implements ReportSection {
  /** Steps drawn in detail; a longer schedule is drawn around its first violation. */
  static final int MAX_EVENTS = 100_000;
  /** Columns of the overview. */
  static final int OVERVIEW_BUCKETS = 400;
  /** Violation ticks on the overview. */
  static final int MAX_MARKS = 1000;
  /** Digits of the packed columns: 64 characters that need no escaping in JSON or HTML. */
  static final String DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
  /** A step number more than this after the previous one is listed in step_jumps. */
  static final int MAX_STEP_DELTA = DIGITS.length() - 2;
  /** The largest integer a JavaScript number holds exactly (2^53 - 1). */
  static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

  private final Trace t;
  private final List<Violation> violations;
  private final int maxEvents;

  InterleavingSection(Trace t, List<Violation> violations) {
    this(t, violations, MAX_EVENTS);
  }

  InterleavingSection(Trace t, List<Violation> violations, int maxEvents) {
    this.t = t;
    this.violations = violations;
    this.maxEvents = maxEvents;
  }

  @Override
  public String id() {
    return "interleaving";
  }

  @Override
  public String title() {
    return "Interleaving";
  }

  @Override
  public String script() {
    return "interleaving.js";
  }

  @Override
  public JsonNode data() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    List<TraceEvent> ev = t.events();
    int n = ev.size();
    ObjectNode o = f.objectNode();
    o.put("scenario", t.scenario());
    o.put("schedule", t.schedule());
    o.put("verdict", t.verdict());
    ArrayNode kinds = o.putArray("kinds");
    t.kinds().forEach(kinds::add);

    int[] perActor = new int[t.actors().size()];
    for (TraceEvent e : ev) {
      perActor[e.actor()]++;
    }
    ArrayNode actors = o.putArray("actors");
    for (Trace.ActorInfo a : t.actors()) {
      actors.add(TraceView.actor(a).put("events", perActor[a.id()]));
    }

    int[] shows = showing(ev);
    int focus = t.firstViolation();
    for (int i = 0; i < shows.length && focus < 0; i++) {
      focus = shows[i];
    }
    o.put("focus", focus);
    int first = n <= maxEvents ? 0 : focus < 0 ? 0 : Math.max(0, Math.min(n - maxEvents, focus - maxEvents * 3 / 4));
    int count = Math.min(n, maxEvents);
    o.put("total", n);
    o.put("first", first);
    o.put("count", count);

    ArrayNode vs = o.putArray("violations");
    for (int i = 0; i < violations.size(); i++) {
      ObjectNode vn = vs.addObject();
      vn.put("text", violations.get(i).toString());
      vn.put("seq", shows[i]);
      vn.put("own_step", shows[i] >= 0 && ownStep(ev.get(shows[i])));
    }
    packEvents(o, ev.subList(first, first + count));
    ArrayNode window = o.putArray("window");
    for (TraceEvent e : TraceView.window(t)) {
      if (e != null && e.seq() >= first && e.seq() < first + count) {
        window.add(e.seq());
      }
    }
    ArrayNode marks = o.putArray("marks");
    for (TraceEvent e : ev) {
      if (marks.size() < MAX_MARKS && ownStep(e)) {
        marks.add(e.seq());
      }
    }
    o.set("overview", overview(ev, t.actors().size()));
    return o;
  }

  /** A violation's own step: the kernel's complaint or the oracle's finding, or a misrouted message. */
  static boolean ownStep(TraceEvent e) {
    return e.type() == TraceEvent.Type.VIOLATION || (e.message() != null && e.message().misrouted());
  }

  /**
   * The step that shows each violation: the violation event the trace recorded for it (common_interrupt's
   * complaint for no-handler), else the misrouted message it judged, else (a violation found at quiescence)
   * the last step at or before its time; -1 when there is none. Each step shows one violation.
   */
  int[] showing(List<TraceEvent> ev) {
    Map<Long, List<TraceEvent>> own = new HashMap<>(); // by time: a violation is found at its step's time
    for (TraceEvent e : ev) {
      if (ownStep(e)) {
        own.computeIfAbsent(e.timeNs(), k -> new ArrayList<>()).add(e);
      }
    }
    int[] at = new int[violations.size()];
    BitSet used = new BitSet();
    for (int i = 0; i < at.length; i++) {
      Violation v = violations.get(i);
      String text = v.kind() + ": " + v.detail();
      List<TraceEvent> then = own.getOrDefault(v.timeNs(), List.of());
      at[i] = find(then, used, e -> e.type() == TraceEvent.Type.VIOLATION
          && (e.detail().equals(text) || (v.kind().equals(Violation.NO_HANDLER) && e.detail().startsWith(v.kind() + ": "))));
      if (at[i] < 0 && v.kind().equals(Violation.MISROUTED)) {
        at[i] = find(then, used, e -> e.type() == TraceEvent.Type.MESSAGE);
      }
      if (at[i] >= 0) {
        used.set(at[i]);
      } else {
        at[i] = lastAtOrBefore(ev, v.timeNs());
      }
    }
    return at;
  }

  private static int find(List<TraceEvent> own, BitSet used, java.util.function.Predicate<TraceEvent> p) {
    for (TraceEvent e : own) {
      if (!used.get((int) e.seq()) && p.test(e)) {
        return (int) e.seq();
      }
    }
    return -1;
  }

  /** The last event at or before {@code timeNs} (virtual time never goes back), -1 when none. */
  static int lastAtOrBefore(List<TraceEvent> ev, long timeNs) {
    int lo = 0;
    int hi = ev.size(); // the answer is lo - 1: ev[0, lo) are at or before
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (ev.get(mid).timeNs() <= timeNs) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo - 1;
  }

  /**
   * The steps drawn in detail as columns: {@code descs} lists each distinct event once (its trace
   * JSON without seq, step and time, plus the label {@code --trace} prints); {@code desc} names
   * each step's event in {@code width} digits; {@code steps} gives each step number as one digit
   * more than the previous one ({@code _}: see step_jumps); {@code times} lists [index, ns] where
   * virtual time moved.
   */
  private static void packEvents(ObjectNode o, List<TraceEvent> drawn) {
    Map<TraceEvent, Integer> index = new HashMap<>();
    List<ObjectNode> descs = new ArrayList<>();
    int[] which = new int[drawn.size()];
    for (int i = 0; i < drawn.size(); i++) {
      TraceEvent e = drawn.get(i);
      // The event without its position: records compare by value, so equal events are one key.
      TraceEvent key = new TraceEvent(0, 0, 0, e.actor(), e.type(), e.what(), e.resource(), e.target(), e.access(),
          e.unit(), e.value(), e.message(), e.handler(), e.detail(), e.cause());
      Integer k = index.get(key);
      if (k == null) {
        k = descs.size();
        index.put(key, k);
        descs.add(desc(e));
      }
      which[i] = k;
    }
    int width = 1;
    for (long room = DIGITS.length(); room < descs.size(); room *= DIGITS.length()) {
      width++;
    }
    o.putArray("descs").addAll(descs);
    o.put("width", width);
    StringBuilder desc = new StringBuilder(drawn.size() * width);
    StringBuilder steps = new StringBuilder(drawn.size());
    ArrayNode jumps = JsonNodeFactory.instance.arrayNode();
    ArrayNode times = JsonNodeFactory.instance.arrayNode();
    long step = drawn.isEmpty() ? 0 : drawn.get(0).step();
    o.put("step0", step);
    long time = Long.MIN_VALUE;
    for (int i = 0; i < drawn.size(); i++) {
      TraceEvent e = drawn.get(i);
      for (int p = width - 1; p >= 0; p--) {
        desc.append(DIGITS.charAt((which[i] >> (6 * p)) & 63)); // 64 digits: 6 bits each
      }
      long delta = e.step() - step;
      if (i > 0 && delta >= 0 && delta <= MAX_STEP_DELTA) {
        steps.append(DIGITS.charAt((int) delta));
      } else if (i == 0) {
        steps.append('0');
      } else {
        steps.append('_');
        jumps.addArray().add(i).add(e.step());
      }
      step = e.step();
      if (e.timeNs() != time) {
        times.addArray().add(i).add(e.timeNs());
        time = e.timeNs();
      }
    }
    o.put("desc", desc.toString());
    o.put("steps", steps.toString());
    o.set("step_jumps", jumps);
    o.set("times", times);
  }

  /** An event's details: its trace JSON without seq, step and time, and the label --trace prints. */
  private static ObjectNode desc(TraceEvent e) {
    ObjectNode d = TraceView.event(e);
    d.remove("seq");
    d.remove("step");
    d.remove("t_ns");
    d.put("label", TraceView.describe(e));
    if (e.value() != null && (e.value() > MAX_SAFE_INTEGER || e.value() < -MAX_SAFE_INTEGER)) {
      d.put("value", String.format("0x%x", e.value())); // a JavaScript number would round it
    }
    return d;
  }

  /**
   * Every step of the schedule counted per lane in {@link #OVERVIEW_BUCKETS} equal runs of steps,
   * as a digit per run: 0 none, 1-9 up to the busiest lane's busiest run.
   */
  private static ObjectNode overview(List<TraceEvent> ev, int lanes) {
    int n = ev.size();
    int buckets = Math.max(1, Math.min(n, OVERVIEW_BUCKETS));
    int[][] c = new int[lanes][buckets];
    int max = 0;
    for (TraceEvent e : ev) {
      int b = (int) (e.seq() * buckets / Math.max(1, n));
      max = Math.max(max, ++c[e.actor()][b]);
    }
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("buckets", buckets);
    ArrayNode rows = o.putArray("lanes");
    for (int[] lane : c) {
      StringBuilder sb = new StringBuilder(buckets);
      for (int v : lane) {
        sb.append(v == 0 ? '0' : (char) ('0' + Math.max(1, Math.min(9, (9L * v + max - 1) / max))));
      }
      rows.add(sb.toString());
    }
    return o;
  }
}
