package irqlab.report.html;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import irqlab.kernel.domain.IrqDomain;
import irqlab.kernel.x86.VectorMatrix;
import irqlab.report.RunReport;
import irqlab.scenario.BuiltinScenarios;
import irqlab.scenario.Scenario;
import irqlab.sim.Exploration;
import irqlab.sim.RunResult;
import irqlab.sim.Simulation;
import irqlab.sim.explore.ScheduleId;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The HTML report's data: watched without changing the run, deterministic, self-contained, right. */
class HtmlReportTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A run watched for the report. */
  record Watched(RunResult result, RunRecorder rec) {
    String html() {
      return HtmlReport.of(result, rec);
    }
  }

  static Watched watch(String name) {
    Scenario s = BuiltinScenarios.load(name);
    RunRecorder[] rec = new RunRecorder[1];
    RunResult r = Simulation.run(s, s.seed(), m -> rec[0] = RunRecorder.attach(m));
    rec[0].finish(r.endNs());
    return new Watched(r, rec[0]);
  }

  static Stream<String> builtins() {
    return BuiltinScenarios.names().stream();
  }

  /** The proof that the observers perturb nothing: every built-in prints the same bytes watched or not. */
  @ParameterizedTest
  @MethodSource("builtins")
  void watchingChangesNoResult(String name) {
    Scenario s = BuiltinScenarios.load(name);
    RunResult plain = Simulation.run(s, s.seed());
    Watched w = watch(name);
    assertThat(RunReport.text(w.result())).isEqualTo(RunReport.text(plain));
    assertThat(RunReport.json(w.result())).isEqualTo(RunReport.json(plain));
  }

  @Test
  void watchingAReplayChangesNoDecision() {
    Scenario s = BuiltinScenarios.load("msix-affinity-race-unmasked");
    ScheduleId id = ScheduleId.parse("random:1:3");
    Exploration.Replay plain = Exploration.replay(s, id, 0, false);
    RunRecorder[] rec = new RunRecorder[1];
    Exploration.Replay watched = Exploration.replay(s, id, 0, true, m -> rec[0] = RunRecorder.attach(m));
    assertThat(watched.schedule().decisionLog()).isEqualTo(plain.schedule().decisionLog());
    assertThat(watched.schedule().steps()).isEqualTo(plain.schedule().steps());
    assertThat(RunReport.text(watched.result())).isEqualTo(RunReport.text(plain.result()));
    rec[0].finish(watched.result().endNs());
    String html = HtmlReport.ofReplay(watched.result(), rec[0], watched.trace());
    assertThat(html).contains("schedule random:1:3").contains("id=\"data-vectors\"");
  }

  @Test
  void sameScenarioAndSeedWriteTheSameBytes() {
    assertThat(watch("nic-tour").html()).isEqualTo(watch("nic-tour").html());
    assertThat(watch("ims-cpu-offline").html()).isEqualTo(watch("ims-cpu-offline").html());
  }

  @Test
  void thePageNeedsNothingFromOutside() throws Exception {
    String html = watch("ir-affinity").html();
    assertThat(html).doesNotContain("<link").doesNotContain(" src=").doesNotContain("@import").doesNotContain("url(");
    // The only URL is the SVG namespace name, which is never fetched.
    Matcher m = Pattern.compile("https?://[^\"' ]*").matcher(html);
    while (m.find()) {
      assertThat(m.group()).isEqualTo("http://www.w3.org/2000/svg");
    }
    assertThat(html).contains("Content-Security-Policy\" content=\"default-src 'none';");
    for (String id : List.of("summary", "tree", "vectors", "interrupts")) {
      assertThat(data(html, id).isObject()).as(id).isTrue();
      assertThat(html).contains("IRQLAB.section(\"" + id + "\"");
    }
    assertThat(count(html, "<script")).isEqualTo(count(html, "</script>"));
  }

  @Test
  void theSummaryNamesTheKernel() throws Exception {
    assertThat(data(watch("ir-affinity").html(), "summary").get("kernel").asText())
        .isEqualTo("Kernel: 6.12 (Linux 6.12.117 as shipped)");
    assertThat(data(watch("torn-msi-detour").html(), "summary").get("kernel").asText())
        .isEqualTo("Kernel: 6.12 (Linux 6.12.117 as shipped); variants: msi-nomask-detour");
  }

  @Test
  void theTreeHasEveryDomainWithItsParent() throws Exception {
    Watched w = watch("ir-affinity");
    JsonNode ds = data(w.html(), "tree").get("domains");
    List<IrqDomain> all = w.rec().machine().kernel().domains().all();
    assertThat(ds).hasSize(all.size());
    for (int i = 0; i < all.size(); i++) {
      IrqDomain d = all.get(i);
      assertThat(ds.get(i).get("name").asText()).isEqualTo(d.debugfsName());
      int p = ds.get(i).get("parent").asInt();
      assertThat(p < 0 ? null : ds.get(p).get("name").asText())
          .isEqualTo(d.parent() == null ? null : d.parent().debugfsName());
    }
    // 6.12 with remapping: device domain -> INTEL-IR -> VECTOR, chips named as /proc/interrupts names them.
    JsonNode nic0 = find(ds, "IR-PCI-MSIX-0000:00:03.0-12");
    assertThat(ds.get(nic0.get("parent").asInt()).get("name").asText()).startsWith("INTEL-IR-");
    JsonNode levels = nic0.get("irqs").get(0).get("levels");
    assertThat(levels).hasSize(3);
    assertThat(levels.get(0).get(1).asText()).isEqualTo("IR-PCI-MSIX-0000:00:03.0");
    assertThat(levels.get(1).get(1).asText()).isEqualTo("INTEL-IR");
    assertThat(levels.get(2).get(0).asText()).isEqualTo("VECTOR");
    assertThat(levels.get(2).get(1).asText()).isEqualTo("APIC");
  }

  @Test
  void theHeatMapAtTheEndIsTheMatrix() throws Exception {
    Watched w = watch("cpu-offline");
    JsonNode v = data(w.html(), "vectors");
    JsonNode last = v.get("snapshots").get(v.get("snapshots").size() - 1);
    assertThat(last.get("kind").asText()).isEqualTo("end");
    VectorMatrix mx = w.rec().machine().kernel().matrix();
    for (int c = 0; c < w.result().cpus(); c++) {
      String row = decode(v.get("rows").get(last.get("rows").get(c).asInt()).asText());
      assertThat(row).hasSize(VectorMatrix.NR_VECTORS);
      // The system map of the reference q35 guest's VECTOR file: "System: 37: 0-21,29,50,128,236,244,246-255".
      assertThat(list(row, "s")).isEqualTo("0-21,29,50,128,236,244,246-255");
      assertThat(list(row, "am")).isEqualTo(mx.usedList(c));
      assertThat(row.chars().filter(ch -> ch == 'm' || ch == 'r').count()).isEqualTo(mx.managed(c));
      assertThat(row.chars().filter(ch -> ch == 'm').count()).isEqualTo(mx.managedAllocated(c));
      assertThat(row.chars().filter(ch -> ch == 'f').count()).as("the VECTOR file's avl").isEqualTo(mx.available(c));
    }
    assertThat(last.get("total_allocated").asInt()).isEqualTo(mx.totalAllocated());
  }

  @Test
  void theSliderFollowsCpuHotplug() throws Exception {
    Watched w = watch("cpu-offline");
    JsonNode snaps = data(w.html(), "vectors").get("snapshots");
    boolean sawOffline = false;
    for (JsonNode s : snaps) {
      if (s.get("kind").asText().equals("action") && s.get("label").asText().contains("cpu1/online <- 0")) {
        assertThat(s.get("offline").toString()).isEqualTo("[1]");
        sawOffline = true;
      }
    }
    assertThat(sawOffline).isTrue();
    assertThat(snaps.get(snaps.size() - 1).get("offline")).isEmpty();
  }

  @Test
  void theChartCountsEveryHandlerRun() throws Exception {
    Watched w = watch("nic-basic");
    JsonNode c = data(w.html(), "interrupts");
    int cpus = w.result().cpus();
    long[] perCpu = new long[cpus];
    for (RunResult.IrqStat s : w.result().irqs()) {
      for (int i = 0; i < cpus; i++) {
        perCpu[i] += s.delivered()[i]; // kstat, as /proc/interrupts counts
      }
    }
    for (JsonNode line : c.get("cpu")) {
      int cpu = Integer.parseInt(line.get("label").asText().substring(3));
      assertThat(sum(line.get("values"))).as(line.get("label").asText()).isEqualTo(perCpu[cpu]);
      assertThat(line.get("values")).hasSize(c.get("buckets").asInt());
    }
    for (RunResult.IrqStat s : w.result().irqs()) {
      JsonNode line = find(c.get("irq"), s.name() + " (irq " + s.irq() + ")", "label");
      assertThat(sum(line.get("values"))).isEqualTo(s.deliveredTotal());
    }
    long span = c.get("step_ns").asLong() * c.get("buckets").asLong();
    assertThat(span).isGreaterThanOrEqualTo(w.result().endNs());
    assertThat(span - c.get("step_ns").asLong()).isLessThanOrEqualTo(w.result().endNs());
  }

  @Test
  void manyInterruptsFoldIntoTheBusiestAndOther() throws Exception {
    Watched w = watch("ims-accelerator");
    JsonNode c = data(w.html(), "interrupts");
    assertThat(c.get("irq")).hasSize(InterruptChartSection.TOP + 1);
    assertThat(c.get("irq").get(InterruptChartSection.TOP).get("label").asText()).isEqualTo("other irqs");
    long all = 0;
    for (RunResult.IrqStat s : w.result().irqs()) {
      all += s.deliveredTotal();
    }
    long charted = 0;
    for (JsonNode l : c.get("irq")) {
      charted += sum(l.get("values"));
    }
    assertThat(charted).isEqualTo(all);
  }

  @Test
  void niceStepsAreOneTwoOrFiveTimesAPowerOfTen() {
    assertThat(RunRecorder.niceStep(0)).isEqualTo(1000);
    assertThat(RunRecorder.niceStep(1001)).isEqualTo(2000);
    assertThat(RunRecorder.niceStep(49_999)).isEqualTo(50_000);
    assertThat(RunRecorder.niceStep(50_001)).isEqualTo(100_000);
  }

  static JsonNode data(String html, String id) throws Exception {
    String open = "<script type=\"application/json\" id=\"data-" + id + "\">";
    int a = html.indexOf(open);
    assertThat(a).as("data block " + id).isNotNegative();
    int b = html.indexOf("</script>", a);
    return JSON.readTree(html.substring(a + open.length(), b));
  }

  static JsonNode find(JsonNode arr, String name) {
    return find(arr, name, "name");
  }

  static JsonNode find(JsonNode arr, String value, String key) {
    for (JsonNode n : arr) {
      if (n.get(key).asText().equals(value)) {
        return n;
      }
    }
    throw new AssertionError("no " + key + " " + value + " in " + arr);
  }

  static String decode(String rle) {
    StringBuilder sb = new StringBuilder();
    Matcher m = Pattern.compile("([a-z])([0-9]+)").matcher(rle);
    while (m.find()) {
      sb.append(m.group(1).repeat(Integer.parseInt(m.group(2))));
    }
    return sb.toString();
  }

  /** The vectors whose state is one of {@code states}, as a cpulist ("0-21,29"). */
  static String list(String row, String states) {
    List<String> parts = new ArrayList<>();
    int v = 0;
    while (v < row.length()) {
      if (states.indexOf(row.charAt(v)) < 0) {
        v++;
        continue;
      }
      int e = v;
      while (e + 1 < row.length() && states.indexOf(row.charAt(e + 1)) >= 0) {
        e++;
      }
      parts.add(e == v ? Integer.toString(v) : v + "-" + e);
      v = e + 1;
    }
    return String.join(",", parts);
  }

  static long sum(JsonNode values) {
    long s = 0;
    for (JsonNode x : values) {
      s += x.asLong();
    }
    return s;
  }

  static int count(String s, String what) {
    int n = 0;
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }
}
