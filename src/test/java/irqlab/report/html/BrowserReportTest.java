package irqlab.report.html;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import irqlab.kernel.domain.IrqDomain;
import irqlab.kernel.x86.VectorMatrix;
import irqlab.bench.RaceScenarios;
import irqlab.report.TraceView;
import irqlab.scenario.BuiltinScenarios;
import irqlab.scenario.Scenario;
import irqlab.scenario.ScenarioParser;
import irqlab.sim.RunResult;
import irqlab.sim.Exploration;
import irqlab.sim.Simulation;
import irqlab.sim.explore.ScheduleId;
import irqlab.sim.trace.Trace;
import irqlab.sim.trace.TraceEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The HTML report in a real browser: headless Chromium opens the reports of three built-ins and
 * the test fails on any console error, uncaught exception, failed request or request that leaves
 * the file; the tree must show every irq domain of the run's machine, the heat map CPUs x 256
 * vector cells, and pressing Home on the time slider must change the cells. A replayed schedule's
 * report draws one lane per actor with every drawn step in its actor's lane, clickable to its
 * details, the violation and its cause linked. Screenshots go to target/browser/ for a person to
 * look at. Skipped when no chromium is installed (CI installs
 * Debian's chromium in .ci/run).
 */
class BrowserReportTest {
  static final Path OUT = Path.of("target", "browser");
  static HeadlessChromium browser;

  @BeforeAll
  static void start() throws Exception {
    Path bin = HeadlessChromium.find();
    Assumptions.assumeTrue(bin != null,
        "no chromium on the PATH (or IRQLAB_CHROMIUM): the browser test needs Debian's chromium, which .ci/run installs");
    browser = new HeadlessChromium(bin);
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
  }

  /** Three built-ins; -Dirqlab.browser.all=true opens every built-in's report instead. */
  static Stream<String> scenarios() {
    return Boolean.getBoolean("irqlab.browser.all") ? BuiltinScenarios.names().stream()
        : Stream.of("nic-tour", "ir-affinity", "ims-cpu-offline");
  }

  @ParameterizedTest
  @MethodSource("scenarios")
  void reportRendersOfflineWithEveryDomainAndAMovingHeatMap(String name) throws Exception {
    Scenario s = BuiltinScenarios.load(name);
    RunRecorder[] rec = new RunRecorder[1];
    RunResult r = Simulation.run(s, s.seed(), m -> rec[0] = RunRecorder.attach(m));
    rec[0].finish(r.endNs());
    List<String> domains = new ArrayList<>();
    for (IrqDomain d : rec[0].machine().kernel().domains().all()) {
      domains.add(d.debugfsName());
    }
    Files.createDirectories(OUT);
    Path html = OUT.resolve(name + ".html").toAbsolutePath();
    Files.writeString(html, HtmlReport.of(r, rec[0]), StandardCharsets.UTF_8);

    browser.open(html);
    JsonNode tree = browser.eval("Array.from(document.querySelectorAll('#tree li[data-domain]'), e => e.dataset.domain)");
    List<String> shown = new ArrayList<>();
    tree.forEach(n -> shown.add(n.asText()));
    assertThat(shown).containsExactlyInAnyOrderElementsOf(domains);

    int cpus = r.cpus();
    assertThat(browser.eval("document.querySelectorAll('#vec-svg rect.cell').length").asInt())
        .isEqualTo(cpus * VectorMatrix.NR_VECTORS);
    assertThat(browser.eval("document.querySelectorAll('#vec-svg rect.cell.st-s').length").asInt())
        .as("system vectors on every CPU (reference: 37 system vectors per CPU)").isEqualTo(cpus * 37);

    String cells = "Array.from(document.querySelectorAll('#vec-svg rect.cell'), e => e.getAttribute('class').slice(8)).join('')";
    String atEnd = browser.eval(cells).asText();
    VectorMatrix mx = rec[0].machine().kernel().matrix();
    for (int c = 0; c < cpus; c++) {
      String row = atEnd.substring(c * VectorMatrix.NR_VECTORS, (c + 1) * VectorMatrix.NR_VECTORS);
      assertThat(row.chars().filter(ch -> ch == 'a' || ch == 'm').count())
          .as("allocated cells of CPU %d at the end = the matrix's allocated count", c).isEqualTo(mx.allocated(c));
      assertThat(row.chars().filter(ch -> ch == 'm' || ch == 'r').count())
          .as("managed cells of CPU %d at the end", c).isEqualTo(mx.managed(c));
    }
    String stampAtEnd = browser.eval("document.getElementById('vec-stamp').textContent").asText();
    int snapshots = browser.eval("+document.getElementById('vec-slider').max").asInt() + 1;
    // One per action and per kernel log line after boot (lines printed while the machine was built
    // come before the report watches), plus the end.
    int bootLines = Simulation.build(s, s.seed()).kernel().log().lines().size();
    assertThat(snapshots).isEqualTo(r.actions().size() + r.dmesg().size() - bootLines + 1);
    browser.eval("document.getElementById('vec-slider').focus()");
    browser.press("Home", 36);
    assertThat(browser.eval("document.getElementById('vec-slider').value").asText()).isEqualTo("0");
    assertThat(browser.eval("document.getElementById('vec-stamp').textContent").asText()).isNotEqualTo(stampAtEnd);
    Set<String> seen = new HashSet<>();
    seen.add(browser.eval(cells).asText());
    for (int i = 1; i < snapshots; i++) {
      browser.press("ArrowRight", 39);
      seen.add(browser.eval(cells).asText());
    }
    assertThat(browser.eval("document.getElementById('vec-slider').value").asInt()).isEqualTo(snapshots - 1);
    assertThat(browser.eval(cells).asText().equals(atEnd)).as("back at the end: the end's cells").isTrue();
    // As many different pictures as the data block has different matrices.
    Set<String> distinct = new HashSet<>();
    HtmlReportTest.data(Files.readString(html), "vectors").get("snapshots").forEach(n -> distinct.add(n.get("rows").toString()));
    assertThat(seen).as("distinct heat maps along the slider").hasSize(distinct.size());
    if (!Boolean.getBoolean("irqlab.browser.all")) {
      assertThat(seen.size()).as("these three scenarios move vectors").isGreaterThan(1);
    }

    assertThat(browser.eval("document.querySelectorAll('#int-bars rect').length").asInt()).isPositive();
    assertThat(browser.eval("document.querySelectorAll('#int-marks line').length").asInt())
        .isEqualTo(r.actions().size() + r.dmesg().size() + r.violations().size());

    browser.press("Home", 36);
    browser.screenshot(OUT.resolve(name + ".png"), 1280);
    // The heat map and the chart alone, slider in the middle: the picture the README shows.
    for (int i = 0; i < snapshots / 2; i++) {
      browser.press("ArrowRight", 39);
    }
    browser.screenshot(OUT.resolve(name + "-matrix-and-chart.png"), 1120, "vectors", "interrupts");
    assertThat(browser.problems()).as("console errors and failed or non-local requests").isEmpty();
  }

  /** Above 64 CPUs the heat map draws 64 at a time; the "CPUs from" field pages through them. */
  @Test
  void aWideMachineIsDrawnSixtyFourCpusAtATime(@TempDir Path tmp) throws Exception {
    Path yaml = tmp.resolve("wide.yaml");
    Files.writeString(yaml, """
        name: wide
        machine: { cpus: 256, remapping: intel }
        devices: [ { id: nic0, type: nic, msix: { table: 64 }, queues: 64 } ]
        drivers: [ { device: nic0, vectors: { min: 1, max: 64, kind: msix, affinity: managed } } ]
        timeline:
          - { at: 0ms, traffic: { device: nic0, rate: 10k/s, for: 1ms } }
        """);
    Scenario s = ScenarioParser.parse(yaml);
    RunRecorder[] rec = new RunRecorder[1];
    RunResult r = Simulation.run(s, s.seed(), m -> rec[0] = RunRecorder.attach(m));
    rec[0].finish(r.endNs());
    Path html = OUT.resolve("wide-256.html").toAbsolutePath();
    Files.createDirectories(OUT);
    Files.writeString(html, HtmlReport.of(r, rec[0]), StandardCharsets.UTF_8);
    browser.open(html);
    assertThat(browser.eval("document.querySelectorAll('#vec-svg rect.cell').length").asInt()).isEqualTo(64 * 256);
    String labels = "Array.from(document.querySelectorAll('#vec-svg text'), t => t.textContent)"
        + ".filter(t => t.startsWith('CPU')).join()";
    // Rows this thin are labelled every 8 CPUs.
    assertThat(browser.eval(labels).asText()).isEqualTo("CPU0,CPU8,CPU16,CPU24,CPU32,CPU40,CPU48,CPU56");
    browser.eval("(() => { const f = document.getElementById('vec-first'); f.value = 192;"
        + " f.dispatchEvent(new Event('change')); })()");
    assertThat(browser.eval(labels).asText()).isEqualTo("CPU192,CPU200,CPU208,CPU216,CPU224,CPU232,CPU240,CPU248");
    VectorMatrix mx = rec[0].machine().kernel().matrix();
    int managed = 0;
    for (int c = 192; c < 256; c++) {
      managed += mx.managedAllocated(c);
    }
    assertThat(managed).isPositive();
    assertThat(browser.eval("document.querySelectorAll('#vec-svg rect.cell.st-m').length").asInt()).isEqualTo(managed);
    browser.screenshot(OUT.resolve("wide-256.png"), 1280);
    assertThat(browser.problems()).isEmpty();
  }

  /**
   * The interleaving of a replayed schedule: the shrunk torn-msi failure (a few hundred steps) and a
   * misroute in the race set's 20 ms steady-traffic scenario (tens of thousands).
   */
  static Stream<String[]> replays() {
    return Stream.of(new String[] {"torn-msi", InterleavingSectionTest.TORN}, new String[] {"race-msi-move", "delay:1:0"});
  }

  @ParameterizedTest
  @MethodSource("replays")
  void aReplayDrawsOneLanePerActorAndEveryStepOpensItsDetails(String name, String id) throws Exception {
    Scenario s = name.startsWith("race-") ? RaceScenarios.load(name.substring(5)) : BuiltinScenarios.load(name);
    RunRecorder[] rec = new RunRecorder[1];
    Exploration.Replay rp = Exploration.replay(s, ScheduleId.parse(id), 0, true, m -> rec[0] = RunRecorder.attach(m));
    rec[0].finish(rp.result().endNs());
    Trace t = rp.trace();
    List<TraceEvent> ev = t.events();
    assertThat(rp.outcome().failed()).as("schedule %s of %s fails (the test needs a violation)", id, name).isTrue();
    Path html = OUT.resolve("replay-" + name + ".html").toAbsolutePath();
    Files.createDirectories(OUT);
    String page = HtmlReport.ofReplay(rp.result(), rec[0], t);
    Files.writeString(html, page, StandardCharsets.UTF_8);
    JsonNode data = HtmlReportTest.data(page, "interleaving");
    int focus = data.get("focus").asInt();
    assertThat(focus).isEqualTo(t.firstViolation());
    browser.width(1280); // the lanes take as many columns as the page is wide
    browser.open(html);

    // One lane per actor, in id order.
    assertThat(browser.eval("Array.from(document.querySelectorAll('#il-lanes .lane-label'), e => +e.dataset.actor)"))
        .extracting(JsonNode::asInt).containsExactlyElementsOf(t.actors().stream().map(Trace.ActorInfo::id).toList());
    // The drawn steps: consecutive events around the first violation, each in its actor's lane.
    String drawn = "Array.from(document.querySelectorAll('#il-steps rect.ev'), e => +e.dataset.seq)";
    List<Integer> seqs = ints(browser.eval(drawn));
    assertThat(seqs).hasSizeGreaterThan(20).contains(focus);
    for (int i = 1; i < seqs.size(); i++) {
      assertThat(seqs.get(i)).isEqualTo(seqs.get(i - 1) + 1);
    }
    JsonNode lanes = browser.eval("Array.from(document.querySelectorAll('#il-steps rect.ev'), e => {"
        + " const r = e.getBoundingClientRect(), y = r.top + r.height / 2;"
        + " const lane = Array.from(document.querySelectorAll('#il-lanes rect.lane')).findIndex(l => {"
        + " const b = l.getBoundingClientRect(); return y >= b.top && y < b.bottom; });"
        + " return [+e.dataset.seq, +e.dataset.actor, lane]; })");
    for (JsonNode l : lanes) {
      TraceEvent e = ev.get(l.get(0).asInt());
      assertThat(l.get(1).asInt()).as("actor of event %d", e.seq()).isEqualTo(e.actor());
      assertThat(l.get(2).asInt()).as("lane of event %d", e.seq()).isEqualTo(e.actor());
    }

    // It opens on the violation, selected, with its details and its cause.
    assertThat(browser.eval("+document.querySelector('#il-steps rect.ev.sel').dataset.seq").asInt()).isEqualTo(focus);
    assertThat(browser.eval("+document.getElementById('il-detail').dataset.seq").asInt()).isEqualTo(focus);
    String detail = "document.getElementById('il-detail').textContent";
    TraceEvent f = ev.get(focus);
    assertThat(browser.eval(detail).asText()).contains(TraceView.describe(f)).contains("step " + f.step() + " of the schedule");
    if (f.cause() >= 0) {
      browser.click("#il-cause-link");
      assertThat(browser.eval("+document.getElementById('il-detail').dataset.seq").asLong()).isEqualTo(f.cause());
      assertThat(browser.eval(detail).asText()).contains(TraceView.describe(ev.get((int) f.cause())));
    }
    // The violation in the list goes to the step that shows it.
    browser.click("#il-violations a");
    assertThat(browser.eval("+document.getElementById('il-detail').dataset.seq").asInt())
        .isEqualTo(data.get("violations").get(0).get("seq").asInt());
    TraceEvent.Message v = ev.get(data.get("violations").get(0).get("seq").asInt()).message();
    if (v != null) {
      // A message that went astray is drawn red, with its arrow to the CPU it reached.
      assertThat(browser.eval("document.querySelector('#il-steps rect.ev.sel').getAttribute('class')").asText())
          .contains("ev-mbad");
      assertThat(browser.eval("document.querySelectorAll('#il-steps line.il-arrow.bad').length").asInt()).isPositive();
    }

    // Every drawn step, clicked, shows its own details; the heat map follows its time.
    JsonNode snaps = HtmlReportTest.data(page, "vectors").get("snapshots");
    seqs = ints(browser.eval(drawn));
    for (int seq : seqs) {
      browser.click("#il-steps rect.ev[data-seq='" + seq + "']");
      TraceEvent e = ev.get(seq);
      assertThat(browser.eval("+document.getElementById('il-detail').dataset.seq").asInt()).isEqualTo(seq);
      String text = browser.eval(detail).asText();
      assertThat(text).contains("#" + seq + " (step " + e.step() + " of the schedule)")
          .contains(t.actors().get(e.actor()).name() + " (actor " + e.actor() + ", ").contains(TraceView.describe(e));
      int snap = 0;
      for (int i = 0; i < snaps.size(); i++) {
        if (snaps.get(i).get("t").asLong() <= e.timeNs()) {
          snap = i;
        }
      }
      assertThat(browser.eval("+document.getElementById('vec-slider').value").asInt()).as("heat map at event %d", seq)
          .isEqualTo(snap);
    }
    // The arrow keys step through the interleaving.
    browser.eval("document.getElementById('il-lanes').focus()");
    int before = browser.eval("+document.getElementById('il-detail').dataset.seq").asInt();
    browser.press("ArrowRight", 39);
    assertThat(browser.eval("+document.getElementById('il-detail').dataset.seq").asInt()).isEqualTo(before + 1);
    browser.press("ArrowLeft", 37);
    browser.press("ArrowLeft", 37);
    assertThat(browser.eval("+document.getElementById('il-detail').dataset.seq").asInt()).isEqualTo(before - 1);

    // The slider pages through the whole schedule.
    browser.eval("document.getElementById('il-slider').focus()");
    browser.press("Home", 36);
    assertThat(ints(browser.eval(drawn)).get(0)).isZero();
    browser.press("End", 35);
    List<Integer> end = ints(browser.eval(drawn));
    assertThat(end.get(end.size() - 1)).isEqualTo(ev.size() - 1);
    // Only the steps --trace draws (fewer here than the columns): exactly the data's window.
    browser.click("#il-only");
    assertThat(ints(browser.eval(drawn))).containsExactlyElementsOf(ints(data.get("window")));
    browser.click("#il-only");
    browser.click("#il-focus");
    assertThat(browser.eval("+document.getElementById('il-detail').dataset.seq").asInt()).isEqualTo(focus);

    // The overview: a cell per lane and run of steps with any, the violations marked.
    int cells = 0;
    for (JsonNode lane : data.get("overview").get("lanes")) {
      cells += (int) lane.asText().chars().filter(c -> c != '0').count();
    }
    assertThat(browser.eval("document.querySelectorAll('#il-overview rect.ov-cell').length").asInt()).isEqualTo(cells);
    assertThat(browser.eval("document.querySelectorAll('#il-overview line.ov-mark').length").asInt())
        .isEqualTo(data.get("marks").size()).isPositive();

    browser.screenshot(OUT.resolve("replay-" + name + ".png"), 1280);
    browser.screenshot(OUT.resolve("replay-" + name + "-interleaving.png"), 1280, "interleaving", "interleaving");
    assertThat(browser.problems()).as("console errors and failed or non-local requests").isEmpty();
  }

  /** A schedule with no events (and one with events but no violation) draws its lanes without a script error. */
  @Test
  void aScheduleWithoutEventsOrViolationsDrawsItsLanes() throws Exception {
    Trace empty = new Trace("idle", "delay:1:0", List.of(new Trace.ActorInfo(0, "clock", "clock", -1),
        new Trace.ActorInfo(1, "cpu0", "cpu", 0)), List.of(), List.of(), List.of(), "passed");
    Path html = OUT.resolve("replay-empty.html").toAbsolutePath();
    Files.createDirectories(OUT);
    Files.writeString(html, HtmlReport.render("empty", List.of(new InterleavingSection(empty, List.of()))));
    browser.open(html);
    assertThat(browser.eval("document.querySelectorAll('#il-lanes .lane-label').length").asInt()).isEqualTo(2);
    assertThat(browser.eval("document.querySelectorAll('#il-steps rect.ev').length").asInt()).isZero();
    assertThat(browser.eval("document.getElementById('il-stamp').textContent").asText()).isEqualTo("no events");
    Exploration.Replay ok = Exploration.replay(BuiltinScenarios.load("msix-affinity-race"), ScheduleId.parse("pos:1:7"), 0, true);
    Files.writeString(html, HtmlReport.render("passed", List.of(new InterleavingSection(ok.trace(), ok.result().violations()))));
    browser.open(html);
    assertThat(ints(browser.eval("Array.from(document.querySelectorAll('#il-steps rect.ev'), e => +e.dataset.seq)")).get(0))
        .as("a passed schedule opens at its start").isZero();
    assertThat(browser.eval("document.getElementById('il-verdict').textContent").asText()).isEqualTo("passed");
    assertThat(browser.eval("document.getElementById('il-focus') === null").asBoolean()).isTrue();
    assertThat(browser.problems()).isEmpty();
  }

  static List<Integer> ints(JsonNode arr) {
    List<Integer> l = new ArrayList<>();
    arr.forEach(n -> l.add(n.asInt()));
    return l;
  }
}
