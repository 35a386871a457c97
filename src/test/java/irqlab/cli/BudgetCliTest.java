package irqlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** run and show stop at their work budget with one line on stderr and exit 1; the report says STOPPED. */
class BudgetCliTest {
  @TempDir Path tmp;

  /** Valid by the README: traffic for a million seconds. */
  private Path endless() throws IOException {
    return Files.writeString(tmp.resolve("endless.yaml"), """
        name: endless
        machine: { cpus: 2 }
        devices: [ { id: nic0, type: nic, msix: { table: 2 }, queues: 2 } ]
        drivers: [ { device: nic0, vectors: { max: 2, kind: msix } } ]
        timeline:
          - { at: 0ms, traffic: { device: nic0, rate: 10k/s, for: 1000000s } }
        expect:
          delivered: { nic0: ">= 1" }
        """);
  }

  @Test
  void anEventBudgetStopsTheRunAndSaysHowToRaiseIt() throws IOException {
    Cli c = Cli.run("run", endless().toString(), "--max-events", "5000");
    assertThat(c.rc()).isEqualTo(1);
    assertThat(c.out()).startsWith("irqlab run: endless ").contains(" events  -> STOPPED\n")
        .contains("Expectations: not judged (the run did not end)")
        .contains("Result: STOPPED: the event budget of 5000 ran out at t=");
    // Events and the interrupts the CPUs took add up to the budget.
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\((\\d+) events, (\\d+) interrupts taken\\)")
        .matcher(c.err());
    assertThat(m.find()).isTrue();
    assertThat(Long.parseLong(m.group(1)) + Long.parseLong(m.group(2))).isEqualTo(5000);
    assertThat(c.out()).contains(" " + m.group(1) + " events  -> STOPPED");
    assertThat(c.err()).startsWith("irqlab run: stopped: the event budget of 5000 ran out at t=")
        .endsWith("; raise it with --max-events N (0: no limit)\n");
    assertThat(c.err().lines()).hasSize(1);
  }

  @Test
  void theDefaultTimeBudgetStopsAMillionSecondsOfTraffic() throws IOException {
    // 60 s of virtual time at 2 x 10k/s is 1.2 million events: under the event budget.
    Cli c = Cli.run("run", endless().toString(), "--json");
    assertThat(c.rc()).isEqualTo(1);
    JsonNode j = new ObjectMapper().readTree(c.out());
    assertThat(j.get("ok").asBoolean()).isFalse();
    assertThat(j.get("stopped").get("limit").asText()).isEqualTo("time");
    assertThat(j.get("stopped").get("max").asLong()).isEqualTo(60_000_000_000L);
    assertThat(j.get("stopped").get("next_ns").asLong()).isGreaterThan(60_000_000_000L);
    assertThat(j.get("stopped").get("interrupts").asLong()).isPositive();
    assertThat(j.get("end_ns").asLong()).isLessThanOrEqualTo(60_000_000_000L);
    assertThat(j.get("failed_expectations")).isEmpty();
    assertThat(c.err()).contains("past the time budget of 60s").contains("--max-time TIME");
  }

  @Test
  void aRaisedTimeBudgetLetsTheRunGoFurtherAndZeroMeansNoLimit() throws IOException {
    Path p = Files.writeString(tmp.resolve("short.yaml"), """
        name: short
        machine: { cpus: 1 }
        devices: [ { id: nic0, type: nic, msix: { table: 1 }, queues: 1 } ]
        drivers: [ { device: nic0, vectors: { max: 1, kind: msix } } ]
        timeline:
          - { at: 90s, disable-irq: { irq: nic0/msix/0 } }
        """);
    assertThat(Cli.run("run", p.toString()).rc()).isEqualTo(1);
    assertThat(Cli.run("run", p.toString(), "--max-time", "100s").rc()).isZero();
    assertThat(Cli.run("run", p.toString(), "--max-time", "0").rc()).isZero();
    assertThat(Cli.run("run", p.toString(), "--max-time", "0", "--max-events", "0").out()).contains("-> OK");
  }

  @Test
  void showStopsTooAndShowsTheStateWhereItStopped() throws IOException {
    Cli c = Cli.run("show", endless().toString(), "interrupts", "--max-events", "100");
    assertThat(c.rc()).isEqualTo(1);
    assertThat(c.out()).contains("nic0-TxRx-0");
    assertThat(c.err()).startsWith("irqlab show: stopped: the event budget of 100 ran out at t=")
        .contains("the view shows the state at t=");
    assertThat(c.err().lines()).hasSize(1);
  }

  @Test
  void badBudgetsAreBadInput() {
    for (String[] args : new String[][] {
        {"run", "--max-events", "-1"}, {"run", "--max-time", "forever"}, {"run", "--max-events", "x"},
        {"show", "interrupts", "--max-time", "-3s"}}) {
      Cli c = Cli.run(args);
      assertThat(c.rc()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(c.out()).isEmpty();
      assertThat(c.err().lines()).hasSize(1);
    }
  }
}
