package irqlab.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The {@code storm} action, the hotplug actions and {@code expect.state}, read with their locations. */
class StormAndStateParseTest {
  private static final String YAML = """
      name: parse
      machine: { cpus: 4 }
      devices:
        - { id: nic0, type: nic, msix: { table: 4 }, queues: 4 }
      drivers:
        - { device: nic0, vectors: { min: 4, max: 4, kind: msix, affinity: managed } }
      timeline:
        - at: 1ms
          storm: { device: nic0, queue: 2, rate: 1.5M/s, for: 20ms }
        - at: 2ms
          cpu-offline: 3
        - at: 3ms
          cpu-online: 3
      expect:
        state:
          nic0/msix/2: { depth: 1, started: false, managed-shutdown: true, effective: "0-1" }
          nic0/msix/3: { spurious-disabled: no }
      """;

  @Test
  void readsAStormWithItsQueueRateAndDuration() {
    Scenario s = ScenarioParser.parse("parse.yaml", YAML);
    TimelineEntry e = s.timeline().get(0);
    assertThat(e.atNs()).isEqualTo(1_000_000);
    Action.Storm st = (Action.Storm) e.action();
    assertThat(st.device()).isEqualTo("nic0");
    assertThat(st.queue()).isEqualTo(2);
    assertThat(st.ratePerSecond()).isEqualTo(1.5e6);
    assertThat(st.forNs()).isEqualTo(20_000_000);
    assertThat(st.loc()).isEqualTo(new Loc("parse.yaml", 9, 12));
    assertThat(s.timeline().get(1).action()).isEqualTo(new Action.CpuOffline(3));
    assertThat(s.timeline().get(2).action()).isEqualTo(new Action.CpuOnline(3));
  }

  @Test
  void readsStateExpectationsAsCanonicalValuesInFileOrder() {
    Scenario s = ScenarioParser.parse("parse.yaml", YAML);
    assertThat(s.expect().state()).extracting(StateExpectation::irq).containsExactly("nic0/msix/2", "nic0/msix/3");
    StateExpectation first = s.expect().state().get(0);
    assertThat(first.checks()).extracting(StateExpectation.Check::key)
        .containsExactly("depth", "started", "managed-shutdown", "effective");
    assertThat(first.checks()).extracting(StateExpectation.Check::expected)
        .containsExactly("1", "false", "true", "0-1");
    assertThat(first.checks().get(3).loc()).isEqualTo(new Loc("parse.yaml", 16, 81));
    assertThat(s.expect().state().get(1).checks().get(0).expected()).isEqualTo("false");
  }

  @Test
  void withoutStateTheListIsEmpty() {
    Scenario s = ScenarioParser.parse("p.yaml", YAML.substring(0, YAML.indexOf("expect:")));
    assertThat(s.expect().state()).isEmpty();
  }

  @Test
  void hotplugAndStormAreNoLongerRefusedByTheMachine() {
    Scenario s = ScenarioParser.parse("parse.yaml", YAML);
    assertThat(irqlab.sim.Simulation.build(s, 1)).isNotNull();
  }
}
