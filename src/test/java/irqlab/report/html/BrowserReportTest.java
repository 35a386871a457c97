package irqlab.report.html;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import irqlab.kernel.domain.IrqDomain;
import irqlab.kernel.x86.VectorMatrix;
import irqlab.scenario.BuiltinScenarios;
import irqlab.scenario.Scenario;
import irqlab.scenario.ScenarioParser;
import irqlab.scenario.ScenarioParser;
import irqlab.sim.RunResult;
import irqlab.sim.Simulation;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The HTML report in a real browser: headless Chromium opens the reports of three built-ins and
 * the test fails on any console error, uncaught exception, failed request or request that leaves
 * the file; the tree must show every irq domain of the run's machine, the heat map CPUs x 256
 * vector cells, and pressing Home on the time slider must change the cells. Screenshots go to
 * target/browser/ for a person to look at. Skipped when no chromium is installed (CI installs
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
}
