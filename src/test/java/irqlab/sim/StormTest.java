package irqlab.sim;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.kernel.KernelLog;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.irq.IrqReturn;
import irqlab.scenario.BuiltinScenarios;
import irqlab.scenario.ScenarioParser;
import org.junit.jupiter.api.Test;

/**
 * A stuck line (the {@code storm} action): the kernel's note_interrupt contains it, the rest of the
 * machine keeps delivering, and the oracle reports a storm only when nothing contains it.
 */
class StormTest {
  @Test
  void theBuiltInStormIsDisabledAfterExactlyOneWindowWhileTheOtherQueuesDeliver() {
    RunResult r = Simulation.run(BuiltinScenarios.load("storm"), 1);
    assertThat(r.failedExpectations()).isEmpty();
    assertThat(r.violations()).isEmpty();
    RunResult.IrqStat stuck = r.irqs().stream().filter(s -> s.name().equals("nic0/msix/1")).findFirst().orElseThrow();
    assertThat(stuck.deliveredTotal()).isEqualTo(100_000);
    assertThat(stuck.spuriousTotal()).isEqualTo(100_000);
    // Signals every microsecond from 10ms: the 100,000th is at 10ms + 99,999us.
    KernelLog.Line disabling = r.dmesg().stream().filter(l -> l.text().startsWith("Disabling IRQ")).findFirst()
        .orElseThrow();
    assertThat(disabling.timeNs()).isEqualTo(10_000_000L + 99_999_000L);
    assertThat(disabling.text()).isEqualTo("Disabling IRQ #" + stuck.irq());
    // The other queues ran for 300ms at 50k/s each: roughly 15,000 interrupts apiece.
    for (String other : new String[] {"nic0/msix/0", "nic0/msix/2", "nic0/msix/3"}) {
      RunResult.IrqStat s = r.irqs().stream().filter(x -> x.name().equals(other)).findFirst().orElseThrow();
      assertThat(s.deliveredTotal()).as(other).isGreaterThan(14_000);
      assertThat(s.spuriousTotal()).isZero();
    }
    assertThat(r.devices().get(0).outstanding()).isZero();
  }

  private static final String PURE_STORM = """
      name: pure-storm
      machine: { cpus: 2 }
      devices:
        - { id: nic0, type: nic, msix: { table: 1 }, queues: 1 }
      drivers:
        - { device: nic0, vectors: { min: 1, max: 1, kind: msix } }
      timeline:
        - at: 0ms
          storm: { device: nic0, queue: 0, rate: 1M/s, for: 150ms }
      expect:
        spurious: { nic0: 100000 }
        state: { nic0/msix/0: { spurious-disabled: true, depth: 1 } }
      """;

  /** Speed is measured by the benchmarks, not here; this one only checks the storm's outcome. */
  @Test
  void aStormAloneIsContainedAfterOneWindowAndTheRestWaitsInThePba() {
    RunResult r = Simulation.run(ScenarioParser.parse("pure-storm.yaml", PURE_STORM), 2);
    assertThat(r.ok()).as(r.failedExpectations().toString()).isTrue();
    // 150,000 signals: 100,000 handler runs, one more that finds the line disabled and masks it,
    // and the rest held in the PBA.
    assertThat(r.devices().get(0).messagesSent()).isEqualTo(100_001);
    assertThat(r.devices().get(0).messagesHeldPending()).isEqualTo(49_999);
  }

  @Test
  void theOracleCallsItAStormPastTwoHundredThousandUnclaimedRunsInARow() {
    Machine m = TestMachines.boot(TestMachines.nic(2, 1, "none", null), 1);
    IrqDesc d = m.kernel().descs().get(m.binding("nic0").driver().irq(0));
    Oracle o = m.oracle();
    for (int i = 0; i < StormWatch.LIMIT; i++) {
      o.handled(d, 0, IrqReturn.NONE);
    }
    assertThat(o.violations()).isEmpty();
    o.handled(d, 0, IrqReturn.HANDLED); // a claimed run ends the streak
    for (int i = 0; i < StormWatch.LIMIT; i++) {
      o.handled(d, 0, IrqReturn.NONE);
    }
    o.spuriousDisabled(d); // the kernel disabled it: a later re-enable starts over
    for (int i = 0; i < StormWatch.LIMIT; i++) {
      o.handled(d, 0, IrqReturn.NONE);
    }
    assertThat(o.violations()).isEmpty();
    o.handled(d, 0, IrqReturn.NONE);
    assertThat(o.violations()).extracting(Violation::kind).containsExactly(Violation.STORM);
    for (int i = 0; i < 1000; i++) {
      o.handled(d, 0, IrqReturn.NONE);
    }
    assertThat(o.violations()).as("reported once per streak").hasSize(1);
  }

  @Test
  void exploredStormSchedulesStayClean() {
    // A device may get to a signal late in explore mode; the next one must still be queued, not
    // land in the past (every schedule failed as model-error when it did).
    Exploration.Report r = ExploreTesting.explore(BuiltinScenarios.load("storm"), "delay", 1, 4, 1, 1);
    assertThat(r.explored()).isEqualTo(4);
    assertThat(r.kinds()).isEmpty();
  }
}
