package irqlab.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import irqlab.sim.RunResult;
import irqlab.sim.Simulation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunReportTest {
  private static RunResult run() {
    return Simulation.run(Ref.scenario(), 7);
  }

  @Test
  void jsonParsesBackWithEveryFieldInOrder() throws Exception {
    RunResult r = run();
    JsonNode j = new ObjectMapper().readTree(RunReport.json(r));
    List<String> keys = new ArrayList<>();
    j.fieldNames().forEachRemaining(keys::add);
    assertThat(keys).containsExactly("scenario", "seed", "cpus", "kernel", "variants", "end_ns", "events", "irqs",
        "devices", "vmds", "actions", "dmesg", "violations", "failed_expectations", "stopped", "ok");
    assertThat(j.get("kernel").asText()).isEqualTo("6.12");
    assertThat(j.get("variants")).isEmpty();
    assertThat(j.get("stopped").isNull()).isTrue();
    assertThat(j.get("scenario").asText()).isEqualTo("report-test");
    assertThat(j.get("seed").asLong()).isEqualTo(7);
    assertThat(j.get("cpus").asInt()).isEqualTo(4);
    assertThat(j.get("end_ns").asLong()).isEqualTo(r.endNs());
    assertThat(j.get("events").asLong()).isEqualTo(r.events());
    assertThat(j.get("ok").asBoolean()).isEqualTo(r.ok());
    assertThat(j.get("irqs")).hasSize(r.irqs().size());
    for (int i = 0; i < r.irqs().size(); i++) {
      RunResult.IrqStat s = r.irqs().get(i);
      JsonNode n = j.get("irqs").get(i);
      List<String> ik = new ArrayList<>();
      n.fieldNames().forEachRemaining(ik::add);
      assertThat(ik).containsExactly("name", "irq", "action", "freed", "delivered", "spurious", "affinity", "effective");
      assertThat(n.get("name").asText()).isEqualTo(s.name());
      assertThat(n.get("irq").asInt()).isEqualTo(s.irq());
      assertThat(n.get("delivered")).hasSize(4);
      for (int c = 0; c < 4; c++) {
        assertThat(n.get("delivered").get(c).asLong()).isEqualTo(s.delivered()[c]);
        assertThat(n.get("spurious").get(c).asLong()).isEqualTo(s.spurious()[c]);
      }
      assertThat(n.get("effective").asText()).isEqualTo(s.effective());
    }
    assertThat(j.get("devices").get(1).get("id").asText()).isEqualTo("nvme0");
    assertThat(j.get("devices").get(1).get("bdf").asText()).isEqualTo("0000:00:02.0");
    assertThat(j.get("devices").get(1).has("messages_held_pending")).isTrue();
    assertThat(j.get("actions")).hasSize(r.actions().size());
    assertThat(j.get("actions").get(r.actions().size() - 1).asText()).isEqualTo(r.actions().get(r.actions().size() - 1));
    assertThat(j.get("dmesg").isArray()).isTrue();
    assertThat(j.get("violations").isArray()).isTrue();
    assertThat(j.get("failed_expectations").isArray()).isTrue();
  }

  @Test
  void jsonCarriesViolationsAndFailedExpectations() throws Exception {
    RunResult r = run();
    RunResult bad = new RunResult(r.scenario(), r.seed(), r.cpus(), r.endNs(), r.events(), r.irqs(), r.devices(),
        r.actions(), r.dmesg(), List.of(new irqlab.sim.Violation("lost-interrupt", 1500, "queue 2 \"stuck\"")),
        List.of("violations: expected none, got lost-interrupt"));
    JsonNode j = new ObjectMapper().readTree(RunReport.json(bad));
    JsonNode v = j.get("violations").get(0);
    assertThat(v.get("kind").asText()).isEqualTo("lost-interrupt");
    assertThat(v.get("time_ns").asLong()).isEqualTo(1500);
    assertThat(v.get("detail").asText()).isEqualTo("queue 2 \"stuck\"");
    assertThat(j.get("failed_expectations").get(0).asText()).startsWith("violations:");
    assertThat(j.get("ok").asBoolean()).isFalse();
    String text = RunReport.text(bad);
    assertThat(text).contains("\nViolations: 1\n  lost-interrupt at 1.5us: queue 2 \"stuck\"\n")
        .contains("\nExpectations: NOT met\n  violations: expected none, got lost-interrupt\n")
        .endsWith("\nResult: FAILED\n");
  }

  @Test
  void reportsAreDeterministic() {
    RunResult a = run();
    RunResult b = run();
    assertThat(RunReport.json(a)).isEqualTo(RunReport.json(b));
    assertThat(RunReport.text(a)).isEqualTo(RunReport.text(b));
  }

  @Test
  void textHasHeaderTablesAndVerdict() {
    RunResult r = run();
    String t = RunReport.text(r);
    List<String> lines = Ref.lines(t);
    assertThat(lines.get(0)).startsWith("irqlab run: report-test  seed 7  4 CPUs  ended at ");
    assertThat(lines.get(1)).isEqualTo("Kernel: 6.12 (Linux 6.12.117 as shipped)");
    assertThat(t).contains("\nDevices:\n  device  bdf           completed  outstanding  msgs-sent  msgs-held\n");
    assertThat(t).contains("  nvme0   0000:00:02.0");
    assertThat(t).contains("\nInterrupts (delivered");
    String head = lines.stream().filter(l -> l.startsWith("  name ")).findFirst().orElseThrow();
    assertThat(head.split("\\s+")).containsSubsequence("name", "irq", "action", "CPU0", "CPU1", "CPU2", "CPU3",
        "total", "spurious", "affinity", "effective");
    for (RunResult.IrqStat s : r.irqs()) {
      String row = lines.stream().filter(l -> l.startsWith("  " + s.name() + " ")).findFirst().orElseThrow();
      assertThat(row.trim().split("\\s+")[3 + 4]).isEqualTo(Long.toString(s.deliveredTotal()));
    }
    int timeWidth = r.actions().stream().mapToInt(a -> a.indexOf(' ')).max().orElse(0);
    assertThat(t).contains("\nActions:\n  " + Fmt.right("0ns", timeWidth) + " probe ahci: 1 MSI vectors\n");
    assertThat(t).contains("\nViolations: none\n");
    assertThat(t).contains(r.ok() ? "\nExpectations: met\n" : "\nExpectations: NOT met\n");
    assertThat(lines.get(0)).endsWith(r.ok() ? "-> OK" : "-> FAILED");
    for (String l : lines) {
      assertThat(l).as("no trailing blanks").doesNotEndWith(" ");
    }
  }
}
