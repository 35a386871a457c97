package irqlab.report.html;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import irqlab.bench.RaceScenarios;
import irqlab.report.TraceView;
import irqlab.scenario.BuiltinScenarios;
import irqlab.scenario.Scenario;
import irqlab.sim.Exploration;
import irqlab.sim.Violation;
import irqlab.sim.explore.ScheduleId;
import irqlab.sim.trace.Trace;
import irqlab.sim.trace.TraceEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The interleaving section of a replay's report: every step of the schedule packed in order with
 * its actor, step number, time and details, one lane per actor, the violations tied to the steps
 * that show them, a long schedule drawn around its first violation and counted in the overview.
 */
class InterleavingSectionTest {
  /** The shrunk torn-msi failure the README shows. */
  static final String TORN = "delays-1.btqufsae.1:1:1";

  record Replayed(Exploration.Replay replay, JsonNode data) {
    Trace trace() {
      return replay.trace();
    }
  }

  static Replayed replay(Scenario s, String id, int maxEvents) {
    Exploration.Replay rp = Exploration.replay(s, ScheduleId.parse(id), 0, true);
    return new Replayed(rp, new InterleavingSection(rp.trace(), rp.result().violations(), maxEvents).data());
  }

  static Replayed torn() {
    return replay(BuiltinScenarios.load("torn-msi"), TORN, InterleavingSection.MAX_EVENTS);
  }

  /** One step as the page decodes it (an implementation of the format apart from the writer's). */
  record Step(JsonNode desc, long step, long timeNs) {}

  static List<Step> decode(JsonNode d) {
    String digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
    int n = d.get("count").asInt();
    int w = d.get("width").asInt();
    String desc = d.get("desc").asText();
    String steps = d.get("steps").asText();
    assertThat(desc).hasSize(n * w);
    assertThat(steps).hasSize(n);
    List<Step> out = new ArrayList<>();
    long step = d.get("step0").asLong();
    long time = 0;
    int jump = 0;
    int t = 0;
    for (int i = 0; i < n; i++) {
      int k = 0;
      for (int p = 0; p < w; p++) {
        k = k * 64 + digits.indexOf(desc.charAt(i * w + p));
      }
      char c = steps.charAt(i);
      if (c == '_') {
        assertThat(d.get("step_jumps").get(jump).get(0).asInt()).isEqualTo(i);
        step = d.get("step_jumps").get(jump++).get(1).asLong();
      } else if (i > 0) {
        step += digits.indexOf(c);
      }
      if (t < d.get("times").size() && d.get("times").get(t).get(0).asInt() == i) {
        time = d.get("times").get(t++).get(1).asLong();
      }
      out.add(new Step(d.get("descs").get(k), step, time));
    }
    assertThat(jump).isEqualTo(d.get("step_jumps").size());
    assertThat(t).isEqualTo(d.get("times").size());
    return out;
  }

  /** What the data must say of event {@code e}: its --json object without seq, step and time, and its --trace label. */
  static void assertSame(Step s, TraceEvent e) {
    ObjectNode want = TraceView.event(e);
    want.remove("seq");
    want.remove("step");
    want.remove("t_ns");
    want.put("label", TraceView.describe(e));
    assertThat(s.desc()).as("event %d", e.seq()).isEqualTo(want);
    assertThat(s.step()).as("step of event %d", e.seq()).isEqualTo(e.step());
    assertThat(s.timeNs()).as("time of event %d", e.seq()).isEqualTo(e.timeNs());
  }

  static Stream<String[]> schedules() {
    return Stream.of(new String[] {"torn-msi", TORN}, new String[] {"msix-affinity-race-unmasked", "random:1:3"},
        new String[] {"msix-affinity-race", "pos:1:7"}, new String[] {"ims-cpu-offline", "delay:1:0"});
  }

  @ParameterizedTest
  @MethodSource("schedules")
  void everyStepIsThereInOrderWithItsActorAndDetails(String name, String id) {
    Replayed r = replay(BuiltinScenarios.load(name), id, InterleavingSection.MAX_EVENTS);
    List<TraceEvent> ev = r.trace().events();
    JsonNode d = r.data();
    assertThat(d.get("total").asInt()).isEqualTo(ev.size());
    assertThat(d.get("first").asInt()).isZero();
    List<Step> steps = decode(d);
    assertThat(steps).hasSize(ev.size());
    for (int i = 0; i < ev.size(); i++) {
      assertSame(steps.get(i), ev.get(i));
    }
    // One lane per actor, in the trace's order, with its number of events.
    assertThat(d.get("actors")).hasSize(r.trace().actors().size());
    for (int a = 0; a < r.trace().actors().size(); a++) {
      final int id2 = a;
      JsonNode lane = d.get("actors").get(a);
      assertThat(lane.get("id").asInt()).isEqualTo(a);
      assertThat(lane.get("name").asText()).isEqualTo(r.trace().actors().get(a).name());
      assertThat(lane.get("events").asLong()).isEqualTo(ev.stream().filter(e -> e.actor() == id2).count());
    }
    assertThat(d.get("verdict").asText()).isEqualTo(r.trace().verdict());
    // Each distinct event once.
    assertThat(new java.util.HashSet<JsonNode>(iterable(d.get("descs")))).hasSize(d.get("descs").size());
  }

  @Test
  void theNoHandlerViolationIsTheKernelsComplaintCausedByTheTornMessage() {
    Replayed r = torn();
    JsonNode d = r.data();
    List<TraceEvent> ev = r.trace().events();
    assertThat(d.get("violations")).hasSize(1);
    JsonNode v = d.get("violations").get(0);
    assertThat(v.get("text").asText()).startsWith("no-handler at ");
    assertThat(v.get("own_step").asBoolean()).isTrue();
    TraceEvent complaint = ev.get(v.get("seq").asInt());
    assertThat(complaint.type()).isEqualTo(TraceEvent.Type.VIOLATION);
    assertThat(complaint.detail()).startsWith("no-handler: ");
    assertThat(r.trace().actors().get(complaint.actor()).name()).isEqualTo("cpu1");
    assertThat(d.get("focus").asInt()).isEqualTo(complaint.seq());
    assertThat(iterable(d.get("marks"))).extracting(JsonNode::asLong).containsExactly(complaint.seq());
    // The step behind it: disk0's message, half old (address: APIC ID 1 in bits 19:12) and half new
    // (data: vector 33 in bits 7:0, arch/x86/include/asm/msi.h), which reached no handler.
    TraceEvent m = ev.get((int) complaint.cause());
    assertThat(m.type()).isEqualTo(TraceEvent.Type.MESSAGE);
    assertThat(r.trace().actors().get(m.actor()).name()).isEqualTo("disk0");
    assertThat((m.message().address() >> 12) & 0xff).isEqualTo(1);
    assertThat(m.message().data() & 0xff).isEqualTo(33);
    assertThat(m.message().cpu()).isEqualTo(1);
    assertThat(m.message().landedIrq()).isEqualTo(-1);
    assertThat(complaint.detail()).endsWith(" 1.33");
    // The steps --trace draws are marked, the complaint among them.
    List<Long> window = new ArrayList<>();
    TraceView.window(r.trace()).forEach(e -> {
      if (e != null) {
        window.add(e.seq());
      }
    });
    assertThat(iterable(d.get("window"))).extracting(JsonNode::asLong).containsExactlyElementsOf(window)
        .contains(complaint.seq(), m.seq());
  }

  @Test
  void aMisrouteJudgedAtQuiescenceIsTiedToTheMessageThatWentAstray() {
    // The 20 ms steady-traffic race of the race set: tens of thousands of steps, all drawn.
    Scenario s = RaceScenarios.load("msi-move");
    Replayed r = replay(s, "delay:1:0", InterleavingSection.MAX_EVENTS);
    List<TraceEvent> ev = r.trace().events();
    assertThat(r.replay().outcome().kinds()).as("delay:1:0 of race-msi-move is a misroute").containsExactly("misrouted");
    assertThat(ev.size()).isGreaterThan(20_000).isLessThanOrEqualTo(InterleavingSection.MAX_EVENTS);
    JsonNode d = r.data();
    assertThat(d.get("count").asInt()).isEqualTo(ev.size());
    Violation want = r.replay().result().violations().get(0);
    JsonNode v = d.get("violations").get(0);
    TraceEvent m = ev.get(v.get("seq").asInt());
    assertThat(m.message()).isNotNull();
    assertThat(m.message().misrouted()).isTrue();
    assertThat(m.timeNs()).isEqualTo(want.timeNs());
    assertThat(want.detail()).contains(String.format("data 0x%x", m.message().data()))
        .contains("vector " + m.message().vector() + " on CPU " + m.message().cpu());
    // Distinct events are few: each step costs its two digits and one for its step number.
    assertThat(d.get("width").asInt()).isEqualTo(2);
    assertThat(d.get("descs").size()).isLessThan(ev.size() / 50);
    List<Step> steps = decode(d);
    for (int i = 0; i < ev.size(); i += 97) {
      assertSame(steps.get(i), ev.get(i));
    }
    assertSame(steps.get(ev.size() - 1), ev.get(ev.size() - 1));
  }

  @Test
  void aLongScheduleIsDrawnAroundItsFirstViolationAndCountedWhole() {
    Replayed whole = torn();
    Trace t = whole.trace();
    int focus = t.firstViolation();
    Replayed r = new Replayed(whole.replay(), new InterleavingSection(t, whole.replay().result().violations(), 60).data());
    JsonNode d = r.data();
    assertThat(d.get("count").asInt()).isEqualTo(60);
    assertThat(d.get("total").asInt()).isEqualTo(t.events().size());
    int first = d.get("first").asInt();
    assertThat(first).isEqualTo(focus - 45); // three quarters of the way
    List<Step> steps = decode(d);
    for (int i = 0; i < 60; i++) {
      assertSame(steps.get(i), t.events().get(first + i));
    }
    assertThat(d.get("violations").get(0).get("seq").asInt()).isEqualTo(focus);
    for (JsonNode w : d.get("window")) {
      assertThat(w.asInt()).isBetween(first, first + 59);
    }
    // The overview: a lane's run of steps is blank exactly when the actor took none of them.
    JsonNode ov = d.get("overview");
    int buckets = ov.get("buckets").asInt();
    assertThat(buckets).isEqualTo(Math.min(t.events().size(), InterleavingSection.OVERVIEW_BUCKETS));
    for (int a = 0; a < t.actors().size(); a++) {
      String lane = ov.get("lanes").get(a).asText();
      assertThat(lane).hasSize(buckets).matches("[0-9]*");
      boolean[] busy = new boolean[buckets];
      for (TraceEvent e : t.events()) {
        if (e.actor() == a) {
          busy[(int) (e.seq() * buckets / t.events().size())] = true;
        }
      }
      for (int b = 0; b < buckets; b++) {
        assertThat(lane.charAt(b) != '0').as("actor %d, run %d", a, b).isEqualTo(busy[b]);
      }
    }
    assertThat(String.join("", iterable(ov.get("lanes")).stream().map(JsonNode::asText).toList())).contains("9");
  }

  @Test
  void aPassingScheduleHasNoViolationAndStartsAtTheBeginning() {
    Replayed r = replay(BuiltinScenarios.load("msix-affinity-race"), "pos:1:7", 50);
    JsonNode d = r.data();
    assertThat(r.replay().outcome().failed()).isFalse();
    assertThat(d.get("verdict").asText()).isEqualTo("passed");
    assertThat(d.get("violations")).isEmpty();
    assertThat(d.get("marks")).isEmpty();
    assertThat(d.get("focus").asInt()).isEqualTo(-1);
    assertThat(d.get("first").asInt()).isZero();
    assertThat(d.get("count").asInt()).isEqualTo(50);
  }

  /** Seeded random traces: long step jumps, steps before the first decision, values past 2^53, many distinct events. */
  @ParameterizedTest
  @MethodSource("seeds")
  void packedStepsDecodeToTheTraceForAnyStepsTimesAndValues(long seed) {
    Random rnd = new Random(seed);
    int n = 1 + rnd.nextInt(6000);
    List<Trace.ActorInfo> actors = List.of(new Trace.ActorInfo(0, "clock", "clock", -1),
        new Trace.ActorInfo(1, "cpu0", "cpu", 0), new Trace.ActorInfo(2, "nic0", "device", -1));
    List<TraceEvent> ev = new ArrayList<>();
    long step = rnd.nextInt(3) - 1;
    long time = 0;
    for (int i = 0; i < n; i++) {
      int jump = rnd.nextInt(10);
      step += jump < 6 ? rnd.nextInt(3) : jump < 9 ? rnd.nextInt(80) : 1 + rnd.nextInt(1 << 20);
      time += rnd.nextInt(4) == 0 ? rnd.nextInt(5000) : 0;
      Long value = rnd.nextBoolean() ? null : rnd.nextBoolean() ? (long) rnd.nextInt(300) : rnd.nextLong();
      ev.add(new TraceEvent(i, step, time, 1 + rnd.nextInt(2), TraceEvent.Type.ACCESS, "mmio write", "nic0 regs",
          "q" + rnd.nextInt(8), "write", rnd.nextInt(4), value, null, null, null, -1));
    }
    Trace t = new Trace("random", "delay:1:0", actors, ev, List.of(), List.of(), "passed");
    JsonNode d = new InterleavingSection(t, List.of()).data();
    List<Step> steps = decode(d);
    assertThat(steps).hasSize(n);
    for (int i = 0; i < n; i++) {
      TraceEvent e = ev.get(i);
      Step s = steps.get(i);
      assertThat(s.step()).isEqualTo(e.step());
      assertThat(s.timeNs()).isEqualTo(e.timeNs());
      assertThat(s.desc().get("actor").asInt()).isEqualTo(e.actor());
      assertThat(s.desc().get("target").asText()).isEqualTo(e.target());
      if (e.value() == null) {
        assertThat(s.desc().has("value")).isFalse();
      } else if (e.value() <= InterleavingSection.MAX_SAFE_INTEGER && e.value() >= -InterleavingSection.MAX_SAFE_INTEGER) {
        assertThat(s.desc().get("value").isNumber()).isTrue();
        assertThat(s.desc().get("value").asLong()).isEqualTo(e.value());
      } else {
        assertThat(s.desc().get("value").asText()).isEqualTo(String.format("0x%x", e.value()));
      }
    }
  }

  /** Each violation to its own step: the complaint, the misrouted message, else the last step before it. */
  @Test
  void violationsFindTheirStepsOneEach() {
    List<Trace.ActorInfo> actors = List.of(new Trace.ActorInfo(0, "clock", "clock", -1),
        new Trace.ActorInfo(1, "cpu1", "cpu", 1), new Trace.ActorInfo(2, "disk0", "device", -1));
    TraceEvent.Message astray = new TraceEvent.Message("disk0", 0xfee00000L, 0x22, "delivered", 0, 34, "disk0/msi/0 (irq 31)",
        31, "irq 30", 30, true);
    List<TraceEvent> ev = List.of(
        new TraceEvent(0, 0, 100, 2, TraceEvent.Type.MESSAGE, "message", null, null, null, -1, null, astray, null, null, -1),
        new TraceEvent(1, 1, 200, 1, TraceEvent.Type.VIOLATION, "violation", null, null, null, -1, null, null, null,
            "no-handler: No irq handler for 1.33", -1),
        new TraceEvent(2, 2, 200, 1, TraceEvent.Type.VIOLATION, "violation", null, null, null, -1, null, null, null,
            "no-handler: No irq handler for 1.33", -1),
        new TraceEvent(3, 3, 300, 1, TraceEvent.Type.START, "starts work", null, null, null, -1, null, null, null, null, -1),
        new TraceEvent(4, 4, 300, 2, TraceEvent.Type.START, "starts work", null, null, null, -1, null, null, null, null, -1),
        new TraceEvent(5, 5, 400, 2, TraceEvent.Type.START, "starts work", null, null, null, -1, null, null, null, null, -1));
    Trace t = new Trace("made", "delay:1:0", actors, ev, List.of(), List.of("no-handler"), "FAILED");
    List<Violation> vs = List.of(new Violation("no-handler", 200, "vector 33 arrived on CPU 1 with no irq handler installed"),
        new Violation("misrouted", 100, "disk0 signalled disk0/msi/0 (irq 31)"),
        new Violation("no-handler", 200, "vector 33 arrived on CPU 1 with no irq handler installed"),
        new Violation("lost-interrupt", 350, "irq 31 was raised and never handled"),
        new Violation("lost-interrupt", 50, "before anything happened"));
    JsonNode d = new InterleavingSection(t, vs).data();
    assertThat(iterable(d.get("violations"))).extracting(v -> v.get("seq").asInt()).containsExactly(1, 0, 2, 4, -1);
    assertThat(iterable(d.get("violations"))).extracting(v -> v.get("own_step").asBoolean())
        .containsExactly(true, true, true, false, false);
    assertThat(d.get("focus").asInt()).isZero(); // the misrouted message comes first
    assertThat(iterable(d.get("marks"))).extracting(JsonNode::asInt).containsExactly(0, 1, 2);
  }

  @Test
  void aScheduleWithoutEventsStillHasItsLanes() {
    Trace t = new Trace("idle", "delay:1:0", List.of(new Trace.ActorInfo(0, "clock", "clock", -1),
        new Trace.ActorInfo(1, "cpu0", "cpu", 0)), List.of(), List.of(), List.of(), "passed");
    JsonNode d = new InterleavingSection(t, List.of()).data();
    assertThat(d.get("actors")).hasSize(2);
    assertThat(d.get("total").asInt()).isZero();
    assertThat(d.get("focus").asInt()).isEqualTo(-1);
    assertThat(decode(d)).isEmpty();
    assertThat(d.get("overview").get("lanes").toString()).isEqualTo("[\"0\",\"0\"]");
  }

  static Stream<Long> seeds() {
    return Stream.of(1L, 2L, 3L, 4L, 5L);
  }

  @Test
  void theSameScheduleWritesTheSameData() {
    assertThat(torn().data().toString()).isEqualTo(torn().data().toString());
  }

  static List<JsonNode> iterable(JsonNode arr) {
    List<JsonNode> l = new ArrayList<>();
    arr.forEach(l::add);
    return l;
  }
}
