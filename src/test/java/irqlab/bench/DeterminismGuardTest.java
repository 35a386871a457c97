package irqlab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.scenario.BuiltinScenarios;
import irqlab.scenario.ScenarioParser;
import irqlab.sim.RunResult;
import irqlab.sim.Simulation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Guards the performance edits of the delivery path (event queue, local APIC, flow handler): the
 * counts below were recorded from the code before those edits, and a run must still produce
 * exactly them, and the same twice. Event totals are not pinned (they count runtime bookkeeping
 * events that other changes may add); every delivered and spurious count is.
 */
class DeterminismGuardTest {
  /** nic-basic, seed 1: per interrupt, delivered per CPU (recorded before the edits). */
  private static final long[][] NIC_BASIC_DELIVERED = {
    {997, 0, 0, 0},
    {0, 1033, 0, 0},
    {0, 0, 1038, 0},
    {0, 0, 0, 1020},
  };

  /** 64 CPUs, 64 managed vectors, 200k/s per queue for 2 ms, seed 1 (recorded before the edits). */
  private static final String GUARD_64 = """
      name: guard-64
      seed: 1
      machine:
        cpus: 64
      devices:
        - id: nic0
          bdf: "0000:00:03.0"
          type: nic
          msix: { table: 64 }
          queues: 64
      drivers:
        - device: nic0
          vectors: { min: 1, max: 64, kind: msix, affinity: managed }
      timeline:
        - at: 0ms
          traffic: { device: nic0, queues: all, rate: 200k/s, for: 2ms }
      """;

  /** Vector i is delivered only on CPU i; these are its counts. */
  private static final long[] GUARD_64_DELIVERED = {
    392, 418, 411, 381, 401, 420, 401, 400, 372, 372, 416, 389, 406, 428, 392, 396,
    413, 378, 387, 383, 395, 412, 391, 404, 383, 415, 349, 448, 369, 402, 387, 383,
    376, 394, 414, 400, 415, 394, 380, 435, 403, 386, 408, 376, 418, 400, 397, 393,
    428, 423, 383, 416, 385, 409, 430, 413, 419, 387, 412, 368, 380, 411, 393, 399,
  };

  @Test
  void nicBasicSeed1MatchesTheRecordedCounts() {
    RunResult r = Simulation.run(BuiltinScenarios.load("nic-basic"), 1);
    assertThat(r.irqs()).hasSize(4);
    for (int i = 0; i < 4; i++) {
      RunResult.IrqStat s = r.irqs().get(i);
      assertThat(s.name()).isEqualTo("nic0/msix/" + i);
      assertThat(s.irq()).isEqualTo(24 + i);
      assertThat(s.delivered()).as(s.name()).containsExactly(NIC_BASIC_DELIVERED[i]);
      assertThat(s.spurious()).as(s.name()).containsOnly(0L);
    }
    assertThat(r.endNs()).isEqualTo(9_999_990L);
    assertThat(r.devices()).hasSize(1);
    assertThat(r.devices().get(0).completed()).isEqualTo(4088);
    assertThat(r.devices().get(0).messagesSent()).isEqualTo(4088);
    assertThat(r.devices().get(0).outstanding()).isZero();
    assertThat(r.violations()).isEmpty();
  }

  @Test
  void nicBasicSeed1IsTheSameTwice() {
    RunResult a = Simulation.run(BuiltinScenarios.load("nic-basic"), 1);
    RunResult b = Simulation.run(BuiltinScenarios.load("nic-basic"), 1);
    assertThat(fingerprint(b)).isEqualTo(fingerprint(a));
  }

  @Test
  void sixtyFourCpusMatchTheRecordedCounts() {
    RunResult r = Simulation.run(ScenarioParser.parse("guard-64", GUARD_64), 1);
    assertThat(r.irqs()).hasSize(64);
    for (int i = 0; i < 64; i++) {
      RunResult.IrqStat s = r.irqs().get(i);
      long[] expected = new long[64];
      expected[i] = GUARD_64_DELIVERED[i];
      assertThat(s.irq()).isEqualTo(24 + i);
      assertThat(s.delivered()).as(s.name()).containsExactly(expected);
      assertThat(s.spurious()).as(s.name()).containsOnly(0L);
    }
    assertThat(r.endNs()).isEqualTo(1_999_932L);
    assertThat(r.devices().get(0).completed()).isEqualTo(25_539);
    assertThat(r.violations()).isEmpty();
    assertThat(fingerprint(Simulation.run(ScenarioParser.parse("guard-64", GUARD_64), 1)))
        .isEqualTo(fingerprint(r));
  }

  private static List<String> fingerprint(RunResult r) {
    List<String> f = new ArrayList<>();
    f.add(r.endNs() + " " + r.events());
    for (RunResult.IrqStat s : r.irqs()) {
      f.add(s.name() + " " + s.irq() + " " + java.util.Arrays.toString(s.delivered()) + " "
          + java.util.Arrays.toString(s.spurious()) + " " + s.affinity() + " " + s.effective());
    }
    f.add(r.devices().toString());
    f.add(r.actions().toString());
    r.dmesg().forEach(l -> f.add(l.formatted()));
    f.add(r.violations().toString());
    return f;
  }
}
