package irqlab.sim;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.kernel.KernelLog;
import irqlab.report.RunReport;
import irqlab.scenario.BuiltinScenarios;
import irqlab.scenario.Scenario;
import irqlab.scenario.ScenarioParser;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Interrupt remapping against spoofed MSIs, vfio assignment, and the new built-in scenarios. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RemappingScenarioTest {
  private static final String VFIO_REFUSAL = "vfio_iommu_type1_attach_group: No interrupt remapping support."
      + "  Use the module param \"allow_unsafe_interrupts\" to enable VFIO IOMMU support on this platform";

  private static List<String> dmesg(RunResult r) {
    return r.dmesg().stream().map(KernelLog.Line::text).toList();
  }

  private static long delivered(RunResult r, String prefix) {
    return r.irqs().stream().filter(s -> s.name().startsWith(prefix)).mapToLong(RunResult.IrqStat::deliveredTotal).sum();
  }

  @Test
  void withRemappingEverySpoofIsBlockedAndLoggedAndTrafficFlows() {
    RunResult r = Simulation.run(BuiltinScenarios.load("ir-spoof"), 1);
    assertThat(r.violations()).isEmpty();
    assertThat(r.failedExpectations()).isEmpty();
    assertThat(r.actions()).anyMatch(a -> a.equals("0ns probe nic0: 2 MSI-X vectors"));
    assertThat(r.actions()).filteredOn(a -> a.contains("spoof-msi")).hasSize(3)
        .allMatch(a -> a.contains("blocked by interrupt remapping"));
    assertThat(dmesg(r)).contains(
        "DMAR: [INTR-REMAP] Request device [00:03.0] fault index 0x0 [fault reason 0x25]"
            + " Blocked a compatibility format interrupt request",
        "DMAR: [INTR-REMAP] Request device [00:03.0] fault index 0x2 [fault reason 0x26]"
            + " Blocked an interrupt request due to source-id verification failure",
        "DMAR: [INTR-REMAP] Request device [00:03.0] fault index 0x64 [fault reason 0x22]"
            + " Present field in the IRTE entry is clear");
    assertThat(delivered(r, "nic0/")).isGreaterThan(400);
    assertThat(delivered(r, "nic1/")).isGreaterThan(400);
    assertThat(r.irqs()).allMatch(s -> s.spuriousTotal() == 0);
  }

  @Test
  void withoutRemappingTheSameSpoofIsInjectedIntoAnotherDevicesHandler() {
    RunResult r = Simulation.run(BuiltinScenarios.load("noir-spoof"), 1);
    assertThat(r.failedExpectations()).isEmpty();
    assertThat(r.violations()).singleElement().satisfies(v -> {
      assertThat(v.kind()).isEqualTo(Violation.SPOOFED_MSI);
      assertThat(v.timeNs()).isEqualTo(3_000_000);
      assertThat(v.detail()).isEqualTo("nic0 (0000:00:03.0) wrote 0x00000021 to 0xfee01000: vector 33 injected"
          + " on CPU 1 into irq 26 of 0000:00:04.0 (nic1-TxRx-0) (compatibility format, not remapped)");
    });
    assertThat(r.irqs()).filteredOn(s -> s.name().equals("nic1/msix/0"))
        .singleElement().satisfies(s -> assertThat(s.spuriousTotal()).isEqualTo(1));
    assertThat(dmesg(r)).noneMatch(l -> l.contains("INTR-REMAP"));
  }

  @Test
  void aDeviceRaisingItsOwnInterruptThroughItsEntryIsNoInjection() {
    String yaml = vfioYaml("remapping: intel", "")
        + "timeline:\n  - { at: 1ms, spoof-msi: { device: nic0, address: 0xfee00018, data: 0 } }\n";
    RunResult r = Simulation.run(ScenarioParser.parse("own.yaml", yaml), 1);
    assertThat(r.violations()).isEmpty();
    assertThat(r.actions()).anyMatch(a -> a.contains("delivered: vector") && a.contains("the device's own irq 25"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "remapping: intel"})
  void aWriteAboveFourGibIsMemoryNotAnInterrupt(String remapping) {
    // The APIC window is 0xfee00000-0xfeefffff below 4 GiB; 0x1_fee00000 is ordinary memory.
    String yaml = vfioYaml(remapping, "allow-unsafe-interrupts: true")
        + "timeline:\n  - { at: 1ms, spoof-msi: { device: nic0, address: 0x1fee00000, data: 0x22 } }\n";
    RunResult r = Simulation.run(ScenarioParser.parse("hi.yaml", yaml), 1);
    assertThat(r.violations()).isEmpty();
    assertThat(r.actions()).anyMatch(a -> a.contains("spoof-msi") && a.endsWith("dropped: not an interrupt address"));
    assertThat(dmesg(r)).noneMatch(l -> l.contains("No irq handler") || l.contains("INTR-REMAP"));
  }

  private static String vfioYaml(String remapping, String unsafe) {
    return "name: vfio\n"
        + "machine: { cpus: 2" + (remapping.isEmpty() ? "" : ", " + remapping) + (unsafe.isEmpty() ? "" : ", " + unsafe)
        + " }\n"
        + "devices:\n"
        + "  - { id: nic0, bdf: \"0000:00:03.0\", type: nic, msix: { table: 2 }, queues: 2 }\n"
        + "drivers:\n"
        + "  - { device: nic0, driver: vfio, vectors: { min: 1, max: 2, kind: msix } }\n";
  }

  @Test
  void vfioRefusesAssignmentWithoutRemapping() {
    RunResult r = Simulation.run(ScenarioParser.parse("v.yaml", vfioYaml("", "")), 1);
    assertThat(r.actions()).containsExactly("0ns probe nic0: FAILED: EPERM (Operation not permitted)");
    assertThat(r.dmesg()).singleElement().satisfies(l -> {
      assertThat(l.text()).isEqualTo(VFIO_REFUSAL);
      assertThat(l.level()).isEqualTo("warn");
    });
    assertThat(r.irqs()).isEmpty();
  }

  @Test
  void vfioAcceptsWithAllowUnsafeInterruptsOrWithRemapping() {
    for (String yaml : List.of(vfioYaml("", "allow-unsafe-interrupts: true"), vfioYaml("remapping: intel", ""),
        vfioYaml("remapping: intel", "allow-unsafe-interrupts: false"))) {
      RunResult r = Simulation.run(ScenarioParser.parse("v.yaml", yaml), 1);
      assertThat(r.actions()).as(yaml).containsExactly("0ns probe nic0: 2 MSI-X vectors");
      assertThat(dmesg(r)).doesNotContain(VFIO_REFUSAL);
      assertThat(r.irqs()).extracting(RunResult.IrqStat::action)
          .containsExactly("vfio-msix[0](0000:00:03.0)", "vfio-msix[1](0000:00:03.0)");
    }
  }

  @Test
  void underRemappingAnAffinityWriteIsImmediate() {
    RunResult r = Simulation.run(BuiltinScenarios.load("ir-affinity"), 1);
    assertThat(r.failedExpectations()).isEmpty();
    assertThat(r.violations()).isEmpty();
    assertThat(r.actions()).filteredOn(a -> a.contains("smp_affinity_list")).hasSize(2)
        .allMatch(a -> a.contains(": OK; now smp=") && !a.contains("pending"));
    RunResult.IrqStat v0 = r.irqs().get(0);
    assertThat(v0.name()).isEqualTo("nic0/msix/0");
    assertThat(v0.delivered()[0]).isPositive();
    assertThat(v0.delivered()[3]).isPositive();
    assertThat(v0.delivered()[1]).isPositive();
    assertThat(v0.effective()).isEqualTo("1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ir-spoof", "noir-spoof", "ir-affinity"})
  void newScenariosPrintTheSameBytesTwice(String name) {
    Scenario s = BuiltinScenarios.load(name);
    RunResult a = Simulation.run(s, 1);
    RunResult b = Simulation.run(s, 1);
    assertThat(RunReport.text(a)).isEqualTo(RunReport.text(b));
    assertThat(RunReport.json(a)).isEqualTo(RunReport.json(b));
  }

  /** The affinity race of msix-affinity-race, under remapping: one store moves the interrupt. */
  @Test
  void theExplorerFindsNothingWhenTheEntryMovesUnderTraffic() {
    String yaml = """
        name: ir-race
        seed: 1
        machine: { cpus: 2, remapping: intel }
        devices:
          - { id: nic0, bdf: "0000:00:03.0", type: nic, msix: { table: 4 }, queues: 4 }
        drivers:
          - { device: nic0, vectors: { min: 4, max: 4, kind: msix, affinity: [0] } }
        timeline:
          - { at: 0us, set-affinity: { irq: nic0/msix/3, cpus: [1] } }
          - { at: 0us, traffic: { device: nic0, queues: [3], rate: 200k/s, for: 40us } }
        expect:
          violations: none
        """;
    Scenario s = ScenarioParser.parse("ir-race.yaml", yaml);
    Exploration.Report pct = ExploreTesting.explore(s, "delay", 1, 200, 2, 1);
    Exploration.Report rnd = ExploreTesting.explore(s, "random", 1, 200, 2, 1);
    assertThat(pct.failed()).as("%s", pct.firstFailure()).isZero();
    assertThat(rnd.failed()).as("%s", rnd.firstFailure()).isZero();
  }
}
