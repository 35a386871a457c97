package irqlab.sim;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.scenario.BuiltinScenarios;
import org.junit.jupiter.api.Test;

/**
 * Multi-message MSI needs a parent that can hand out an aligned block: x86's vector domain cannot
 * (one vector), the remapping domain can (the block of four, one per queue).
 */
class MsiMultiMessageTest {
  @Test
  void withoutRemappingTheNicGetsOneMsiVector() {
    RunResult r = Simulation.run(BuiltinScenarios.load("msi-multi-nic"), 1);
    assertThat(r.ok()).as("%s", r.failedExpectations()).isTrue();
    assertThat(r.irqs()).extracting(RunResult.IrqStat::name).containsExactly("nic0/msi/0");
    assertThat(r.devices().get(0).outstanding()).isZero();
  }

  @Test
  void withRemappingTheNicGetsTheBlockOfFour() {
    RunResult r = Simulation.run(BuiltinScenarios.load("msi-multi-nic-ir"), 1);
    assertThat(r.ok()).as("%s", r.failedExpectations()).isTrue();
    assertThat(r.irqs()).extracting(RunResult.IrqStat::name)
        .containsExactly("nic0/msi/0", "nic0/msi/1", "nic0/msi/2", "nic0/msi/3");
    // Consecutive irq numbers, one block, each vector busy on its own CPU.
    for (int i = 0; i < 4; i++) {
      assertThat(r.irqs().get(i).irq()).isEqualTo(r.irqs().get(0).irq() + i);
      assertThat(r.irqs().get(i).deliveredTotal()).isPositive();
    }
    assertThat(r.devices().get(0).outstanding()).isZero();
  }
}
