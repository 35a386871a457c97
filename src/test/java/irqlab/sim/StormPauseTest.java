package irqlab.sim;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.report.RunReport;
import irqlab.scenario.Scenario;
import irqlab.scenario.ScenarioParser;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * A stuck line that the kernel masked pauses instead of signalling every period into a pending
 * bit. It must change nothing but the event count: the same report as a line that signals every
 * period, through disable and enable, unbind and bind, free and request, masking by MSI. (The
 * storms start 300 ns off the timeline's whole milliseconds: a signal due in the very nanosecond
 * of an unmasking write may come before or after it, an order both lines may settle differently.)
 */
class StormPauseTest {
  private static final String HEAD = """
      name: storm-pause
      machine: { cpus: 2 }
      devices:
        - { id: nic0, type: nic, msix: { table: 2 }, queues: 2 }
        - { id: nic1, type: nic, msi: { vectors: 1, maskable: true }, queues: 1 }
      drivers:
        - { device: nic0, vectors: { max: 2, kind: msix } }
        - { device: nic1, vectors: { max: 1, kind: msi } }
      timeline:
        - { at: 0ms, traffic: { device: nic0, queues: [0], rate: 20k/s, for: 400ms } }
        - { at: 300ns, storm: { device: nic0, queue: 1, rate: 1M/s, for: 350ms } }
        - { at: 300ns, storm: { device: nic1, queue: 0, rate: 700k/s, for: 350ms } }
      """;

  private static final List<String> TIMELINES = List.of(
      "",
      "  - { at: 150ms, enable-irq: { irq: nic0/msix/1 } }\n"
          + "  - { at: 200ms, enable-irq: { irq: nic1/msi/0 } }\n",
      "  - { at: 120ms, unbind: { device: nic0 } }\n  - { at: 180ms, bind: { device: nic0 } }\n",
      "  - { at: 130ms, free-irq: { irq: nic0/msix/1 } }\n  - { at: 170ms, request-irq: { irq: nic0/msix/1 } }\n",
      "  - { at: 140ms, disable-irq: { irq: nic0/msix/1 } }\n  - { at: 160ms, enable-irq: { irq: nic0/msix/1 } }\n"
          + "  - { at: 161ms, enable-irq: { irq: nic0/msix/1 } }\n",
      "  - { at: 125ms, cpu-offline: 1 }\n  - { at: 190ms, cpu-online: 1 }\n",
      "  - { at: 110ms, set-affinity: { irq: nic0/msix/1, cpus: [0] } }\n"
          + "  - { at: 150ms, enable-irq: { irq: nic0/msix/1 } }\n");

  private static RunResult run(String timeline, boolean pause) {
    Scenario s = ScenarioParser.parse("storm-pause.yaml", HEAD + timeline);
    boolean saved = StuckLine.pauseWhileQuiet;
    StuckLine.pauseWhileQuiet = pause;
    try {
      return Simulation.run(s, 3);
    } finally {
      StuckLine.pauseWhileQuiet = saved;
    }
  }

  @ParameterizedTest(name = "timeline {0}")
  @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6})
  void aPausedLineGivesTheSameRunAsOneThatSignalsEveryPeriod(int which) {
    String t = TIMELINES.get(which);
    RunResult paused = run(t, true);
    RunResult every = run(t, false);
    assertThat(paused.events()).isLessThan(every.events());
    String a = RunReport.json(paused).replaceFirst("\"events\": \\d+", "");
    String b = RunReport.json(every).replaceFirst("\"events\": \\d+", "");
    assertThat(a).isEqualTo(b);
  }

  @Test
  void aStormOfTenBillionSignalsIsContainedAndAccountedForEverySignal() {
    Scenario s = ScenarioParser.parse("big.yaml", """
        name: big-storm
        machine: { cpus: 2 }
        devices: [ { id: nic0, type: nic, msix: { table: 1 }, queues: 1 } ]
        drivers: [ { device: nic0, vectors: { max: 1, kind: msix } } ]
        timeline:
          - { at: 0ms, storm: { device: nic0, queue: 0, rate: 1000M/s, for: 10s } }
        expect:
          spurious: { nic0: 100000 }
        """);
    RunResult r = Simulation.run(s, 1);
    assertThat(r.ok()).as(r.failedExpectations().toString()).isTrue();
    assertThat(r.dmesg()).anyMatch(l -> l.text().equals("Disabling IRQ #24"));
    // One signal per nanosecond for 10 s, each either sent or held in the PBA.
    RunResult.DeviceStat d = r.devices().get(0);
    assertThat(d.messagesSent() + d.messagesHeldPending()).isEqualTo(10_000_000_000L);
    // About one event per interrupt the kernel took, not one per signal.
    assertThat(r.events()).isLessThan(200_000);
    // The run ends with the last poll_spurious_irqs run: every HZ/10 from the disable in the
    // first jiffy (kernel/irq/spurious.c), the 100th at jiffy 2,500, the end of the timeline.
    assertThat(r.endNs()).isEqualTo(10_000_000_000L);
  }
}
