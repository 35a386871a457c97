package irqlab.sim;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.kernel.KernelProfile;
import irqlab.scenario.BuiltinScenarios;
import irqlab.scenario.ScenarioParser;
import org.junit.jupiter.api.Test;

/**
 * Kernel profiles side by side (issue 7 items 2 and 7): the same scenario under 6.12.117 as
 * shipped and under the 6.16 profile, with the outcomes each version's code gives.
 */
class KernelProfilesTest {
  private static RunResult run(String builtin, String version) {
    String yaml = BuiltinScenarios.text(builtin);
    if (version != null) {
      yaml = yaml.replaceFirst("machine: \\{ cpus: (\\d+)[^\\n]*\\}", "machine: { cpus: $1, kernel: { version: \"" + version + "\" } }");
    }
    return Simulation.run(ScenarioParser.parse(builtin + ".yaml", yaml), 1);
  }

  @Test
  void theProfilesAndTheirCommits() {
    assertThat(KernelProfile.KNOWN).extracting(KernelProfile::name).containsExactly("6.12", "6.16", "6.6");
    assertThat(KernelProfile.defaultProfile()).isSameAs(KernelProfile.V6_12);
    assertThat(KernelProfile.V6_12.behaviours()).isEmpty();
    assertThat(KernelProfile.V6_16.behaviours()).extracting(KernelProfile.Behaviour::commit)
        .containsExactly("788019eb559f", "2b32fc8ff08d");
    assertThat(KernelProfile.V6_6.behaviours()).extracting(KernelProfile.Behaviour::commit)
        .containsExactly("ef8dd01538ea");
    assertThat(KernelProfile.named("6.13")).isNull();
  }

  /**
   * hotplug-undoes-disable on 6.12 (its own version): irq_shutdown sets depth 1 and the returning
   * CPU's irq_startup sets 0 (kernel/irq/chip.c, cpuhotplug.c), so the disabled lines deliver and
   * the driver's enable_irq is unbalanced. On the 6.16 profile (788019eb559f) the disables hold:
   * nic0/msix/1 stays shut down at depth 1 and nic0/msix/2 delivers only after its enable_irq.
   */
  @Test
  void hotplugUndoesTheDisableOn612AndNotOn616() {
    RunResult v612 = run("hotplug-undoes-disable", null);
    assertThat(v612.ok()).isTrue();
    assertThat(v612.dmesg()).anySatisfy(l -> assertThat(l.text()).isEqualTo("Unbalanced enable for IRQ 26"));

    RunResult v616 = run("hotplug-undoes-disable", "6.16");
    assertThat(v616.kernel()).isEqualTo("6.16");
    assertThat(v616.dmesg()).noneSatisfy(l -> assertThat(l.text()).startsWith("Unbalanced enable"));
    assertThat(v616.failedExpectations()).contains("state nic0/msix/1 depth: expected 0, got 1",
        "state nic0/msix/1 started: expected true, got false", "state nic0/msix/1 disabled: expected false, got true");
    RunResult.IrqStat held = v616.irqs().stream().filter(s -> s.name().equals("nic0/msix/1")).findFirst().orElseThrow();
    assertThat(held.deliveredTotal()).isLessThan(100);
    assertThat(v616.violations()).isEmpty();
  }

  /** kernel/irq/irq_test.c irq_cpuhotplug_test needs 6.16: on 6.12 the disabled line delivers at once. */
  @Test
  void kunitCpuhotplugPassesOn616AndFailsOn612() {
    assertThat(run("kunit-cpuhotplug", null).ok()).isTrue();
    RunResult v612 = run("kunit-cpuhotplug", "6.12");
    assertThat(v612.failedExpectations()).anySatisfy(f -> assertThat(f).startsWith("delivered nic0/msix/1: expected == 1"));
    assertThat(v612.dmesg()).anySatisfy(l -> assertThat(l.text()).startsWith("Unbalanced enable for IRQ"));
  }
}
