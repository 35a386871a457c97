package irqlab.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.irq.ProcIrq;
import irqlab.kernel.x86.ApicChipData;
import irqlab.scenario.BuiltinScenarios;
import irqlab.sim.RunResult;
import irqlab.sim.Simulation;
import irqlab.sim.Violation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * CVE-2024-31076: a move from the dying CPU that has not seen its first interrupt on the new CPU
 * yet. The fixed kernel frees the old vector while the CPU goes down; the
 * {@code leak-vector-on-offline} variant forgets it, and the oracle's accounting catches that.
 */
class VectorLeakOnOfflineTest {
  private static String machine(boolean leak) {
    return "name: leak\n"
        + "machine: { cpus: 4" + (leak ? ", kernel: { variants: [leak-vector-on-offline] }" : "") + " }\n"
        + "devices:\n"
        + "  - { id: nic0, type: nic, msix: { table: 1 }, queues: 1 }\n"
        + "drivers:\n"
        + "  - { device: nic0, vectors: { min: 1, max: 1, kind: msix, affinity: [1] } }\n";
  }

  @ParameterizedTest(name = "variant: {0}")
  @ValueSource(booleans = {false, true})
  void theOldVectorOnTheDyingCpuIsFreedOnlyByTheFixedKernel(boolean leak) {
    HotplugRig r = new HotplugRig(machine(leak));
    ApicChipData a = r.apic("nic0/msix/0");
    int old = a.vector();
    r.onTask(() -> ProcIrq.writeSmpAffinityList(r.k, r.irq("nic0/msix/0"), CpuMask.of(2)));
    r.complete("nic0", 0); // on CPU 1: moved to CPU 2, the old vector kept until CPU 2 sees one
    assertThat(a.cpu()).isEqualTo(2);
    assertThat(a.moveInProgress()).isTrue();
    assertThat(a.prevCpu()).isEqualTo(1);

    r.cpuDown(1);
    r.complete("nic0", 0); // the first interrupt on CPU 2 completes the move
    assertThat(a.prevVector()).isZero();
    assertThat(r.dev("nic0").outstanding(0)).isZero();
    r.m.checkQuiescent();
    if (leak) {
      assertThat(r.k.matrix().isUsed(1, old)).as("leaked on the offline CPU").isTrue();
      assertThat(r.m.oracle().violations()).extracting(Violation::kind).containsOnly(Violation.VECTOR_ACCOUNTING);
      assertThat(r.m.oracle().violations()).extracting(Violation::detail)
          .contains("CPU 1 (offline): vector " + old + " is allocated in the matrix but no irq owns it (leaked)");
      assertThat(r.log()).noneMatch(l -> l.startsWith("IRQ fixup"));
    } else {
      assertThat(r.k.matrix().isUsed(1, old)).isFalse();
      assertThat(r.k.matrix().allocated(1)).isZero();
      assertThat(r.m.oracle().violations()).isEmpty();
      assertThat(r.log()).contains("IRQ fixup: irq " + a.irq() + " move in progress, old vector " + old);
    }
    // The leak outlives the CPU's return: its matrix still counts a vector nothing installs.
    r.cpuUp(1);
    assertThat(r.k.matrix().allocated(1)).isEqualTo(leak ? 1 : 0);
  }

  @ParameterizedTest(name = "variant scenario, seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void theBuiltInShowsTheLeakAndTheSameTimelineWithoutTheVariantIsClean(long seed) {
    var leaky = BuiltinScenarios.load("cpu-offline-leak");
    RunResult bad = Simulation.run(leaky, seed);
    assertThat(bad.ok()).isTrue();
    assertThat(bad.violations()).extracting(Violation::kind).containsOnly(Violation.VECTOR_ACCOUNTING);

    String fixed = BuiltinScenarios.text("cpu-offline-leak")
        .replace("  kernel: { variants: [leak-vector-on-offline] }\n", "")
        .replace("violations: [vector-accounting]", "violations: none");
    RunResult good = Simulation.run(irqlab.scenario.ScenarioParser.parse("fixed.yaml", fixed), seed);
    assertThat(good.violations()).isEmpty();
    assertThat(good.ok()).isTrue();
  }
}
