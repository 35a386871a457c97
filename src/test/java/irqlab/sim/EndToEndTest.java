package irqlab.sim;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.exec.Actor;
import irqlab.exec.Event;
import irqlab.hw.devices.QueueDevice;
import irqlab.kernel.Kernel;
import irqlab.scenario.BuiltinScenarios;
import irqlab.scenario.ScenarioParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Interrupts travel from device queues to their handlers, and the oracle sees when one does not. */
class EndToEndTest {
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 42})
  void everyCompletionIsConsumedOnTheVectorsCpu(long seed) {
    RunResult r = Simulation.run(BuiltinScenarios.load("nic-basic"), seed);
    assertThat(r.violations()).isEmpty();
    assertThat(r.failedExpectations()).isEmpty();
    RunResult.DeviceStat nic = r.devices().get(0);
    assertThat(nic.completed()).isGreaterThan(3000);
    assertThat(nic.outstanding()).isZero();
    long delivered = r.irqs().stream().mapToLong(RunResult.IrqStat::deliveredTotal).sum();
    // Each message is one handler run unless it merged into an IRR bit already set.
    assertThat(delivered).isPositive().isLessThanOrEqualTo(nic.messagesSent());
    for (RunResult.IrqStat s : r.irqs()) {
      int cpu = Integer.parseInt(s.effective());
      for (int c = 0; c < r.cpus(); c++) {
        assertThat(s.delivered()[c]).as("%s on CPU %d", s.name(), c).isEqualTo(c == cpu ? s.deliveredTotal() : 0);
      }
      assertThat(s.spuriousTotal()).isZero();
    }
  }

  @Test
  void theTourMeetsItsExpectations() {
    RunResult r = Simulation.run(BuiltinScenarios.load("nic-tour"), 1);
    assertThat(r.failedExpectations()).isEmpty();
    assertThat(r.actions()).anyMatch(a -> a.contains("smp_affinity_list") && a.contains("FAILED: EPERM"));
    assertThat(r.actions()).anyMatch(a -> a.contains("pending=3"));
  }

  @Test
  void expectationsThatDoNotHoldFailTheRun() {
    String yaml = irqlab.sim.TestMachines.nic(2, 2, "managed",
        "  - { at: 0ms, traffic: { device: nic0, rate: 10k/s, for: 1ms } }\n")
        + "expect:\n  delivered: { nic0: \">= 1000000\" }\n";
    RunResult r = Simulation.run(ScenarioParser.parse("t.yaml", yaml), 1);
    assertThat(r.ok()).isFalse();
    assertThat(r.failedExpectations()).singleElement().asString().startsWith("delivered nic0: expected >= 1000000, got ");
  }

  @Test
  void aMessageThatVanishesIsALostInterrupt() {
    Machine m = TestMachines.boot(TestMachines.nic(2, 1, "[1]", null), 1);
    Kernel k = m.kernel();
    QueueDevice dev = m.binding("nic0").device();
    k.cpu(1).setInterruptsEnabled(false); // CPU 1 cannot take the interrupt now
    k.exec().schedule(Event.of(k.exec().newActor("d", Actor.Kind.DEVICE, -1), () -> dev.complete(0)), 0);
    TestMachines.rt(m).runToQuiescence();
    int vector = irqlab.kernel.x86.VectorDomain.apicChipData(k.descs().get(m.binding("nic0").driver().irq(0)).data()).vector();
    assertThat(k.cpu(1).apic().irrPending(vector)).isTrue();
    m.checkQuiescent();
    assertThat(m.oracle().violations()).isEmpty(); // still pending in IRR: not lost
    k.cpu(1).apic().clearPending(vector); // the message is gone
    m.checkQuiescent();
    assertThat(m.oracle().violations()).singleElement()
        .satisfies(v -> assertThat(v.kind()).isEqualTo(Violation.LOST_INTERRUPT))
        .satisfies(v -> assertThat(v.detail()).contains("nic0 queue 0: 1 completion"));
  }

  @Test
  void aVectorWithoutHandlerIsReported() {
    Machine m = TestMachines.boot(TestMachines.nic(2, 1, "none", null), 1);
    Kernel k = m.kernel();
    k.exec().schedule(Event.of(k.exec().newActor("spoof", Actor.Kind.DEVICE, -1),
        () -> m.bus().memoryWrite(0x18, 0xFEE01000L, 0x99)), 0);
    TestMachines.rt(m).runToQuiescence();
    assertThat(m.oracle().violations()).singleElement().satisfies(v -> {
      assertThat(v.kind()).isEqualTo(Violation.NO_HANDLER);
      assertThat(v.detail()).isEqualTo("vector 153 arrived on CPU 1 with no irq handler installed");
    });
    assertThat(k.log().lines()).anyMatch(l -> l.text().equals("No irq handler for 1.153"));
  }
}
