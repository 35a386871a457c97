package irqlab.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import irqlab.report.DomainsView;
import irqlab.report.IrqDebugView;
import irqlab.report.ProcInterrupts;
import irqlab.report.RunReport;
import irqlab.scenario.BuiltinScenarios;
import irqlab.scenario.ScenarioException;
import irqlab.scenario.ScenarioParser;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The accelerator and its IMS stores as scenarios: built-ins, the variant, views, bad input. */
class ImsScenariosTest {
  /** A small accelerator; {@code extra} goes under machine, {@code timeline} at the end. */
  private static String acc(String storage, int queues, int cache, String machine, String timeline) {
    return """
        name: acc
        machine: { cpus: 4%s }
        devices:
          - { id: acc0, type: accelerator, msix: { table: 1 }, queues: %d,
              ims: { storage: %s, slots: %d, cache: %d } }
        drivers:
          - { device: acc0, vectors: { min: 1, max: %d, kind: ims } }
        timeline:
        %s
        """.formatted(machine, queues, storage, queues, cache, queues, timeline);
  }

  /** Traffic on every queue; queues 0..15 disabled at 2 ms and enabled again at 4 ms. */
  private static final String TRAFFIC_AND_MASKS = masks();

  private static String masks() {
    StringBuilder b = new StringBuilder("  - { at: 0ms, traffic: { device: acc0, queues: all, rate: 20k/s, for: 6ms } }\n");
    for (int q = 0; q < 16; q++) {
      b.append("  - { at: 2ms, disable-irq: { irq: acc0/ims/").append(q).append(" } }\n");
    }
    for (int q = 0; q < 16; q++) {
      b.append("  - { at: 4ms, enable-irq: { irq: acc0/ims/").append(q).append(" } }\n");
    }
    return b.toString();
  }

  private static RunResult run(String yaml, long seed) {
    return Simulation.run(ScenarioParser.parse("acc.yaml", yaml), seed);
  }

  @Test
  void theBuiltInImsScenariosMeetTheirExpectationsAndRepeat() {
    for (String name : List.of("ims-accelerator", "ims-device-array", "ims-direct-write")) {
      assertThat(BuiltinScenarios.describe(name)).isNotBlank();
      RunResult r = Simulation.run(BuiltinScenarios.load(name), 1);
      assertThat(r.failedExpectations()).as("%s: %s", name, r.violations()).isEmpty();
    }
    String a = RunReport.json(Simulation.run(BuiltinScenarios.load("ims-device-array"), 3));
    String b = RunReport.json(Simulation.run(BuiltinScenarios.load("ims-device-array"), 3));
    assertThat(a).isEqualTo(b);
  }

  @Test
  void theDirectWriteVariantLosesWorkWhereDeviceCommandsLoseNone() {
    String remap = ", remapping: intel";
    for (long seed = 1; seed <= 3; seed++) {
      RunResult good = run(acc("host-memory", 32, 4, remap, TRAFFIC_AND_MASKS), seed);
      assertThat(good.violations()).as("seed %d", seed).isEmpty();
      assertThat(good.devices().get(0).outstanding()).isZero();
      RunResult bad = run(acc("host-memory", 32, 4, remap + ", kernel: { variants: [ims-direct-write] }",
          TRAFFIC_AND_MASKS), seed);
      assertThat(bad.violations()).as("seed %d", seed).isNotEmpty()
          .allMatch(v -> v.kind().equals(Violation.LOST_INTERRUPT));
      assertThat(bad.actions()).anyMatch(a -> a.contains("context write-back of queue")
          && a.contains("overwrote the message and mask the CPU had stored into it"));
    }
  }

  @Test
  void theSlotArrayUnderTrafficLosesNothing() {
    for (long seed = 1; seed <= 3; seed++) {
      RunResult r = run(acc("device", 64, 1, ", remapping: intel", TRAFFIC_AND_MASKS), seed);
      assertThat(r.violations()).as("seed %d", seed).isEmpty();
      assertThat(r.devices().get(0).completed()).isGreaterThan(1000);
      assertThat(r.devices().get(0).outstanding()).isZero();
    }
  }

  @Test
  void withoutRemappingTheProbeFailsWithEnotsupp() {
    RunResult r = run(acc("device", 8, 1, "", "  - { at: 0ms, traffic: { device: acc0, rate: 1k/s, for: 1ms } }"), 1);
    assertThat(r.actions()).anyMatch(a -> a.contains("probe acc0: FAILED: ENOTSUPP"));
    assertThat(r.violations()).isEmpty();
  }

  @Test
  void viewsShowBothDomainsTheImsChipAndTheCookie() {
    Machine m = TestMachines.boot(acc("host-memory", 16, 4, ", remapping: intel",
        "  - { at: 0ms, traffic: { device: acc0, queues: all, rate: 50k/s, for: 1ms } }"), 1);
    TestMachines.rt(m).runToQuiescence();
    String tree = DomainsView.tree(m);
    assertThat(tree).contains("IR-PCI-MSIX-0000:00:03.0-12").contains("MSI domain id 0 (default)")
        .contains("IR-PCI-IDXD-QMEM-0000:00:03.0-15").contains("MSI domain id 1 (secondary)");
    assertThat(ProcInterrupts.render(m)).contains("IR-PCI-IDXD-QMEM-0000:00:03.0   5-edge      acc0-wq5")
        .contains("IR-PCI-MSIX-0000:00:03.0   0-edge      acc0-misc");
    String irq = IrqDebugView.render(m, "acc0/ims/5");
    assertThat(irq).contains("name:       acc0/ims/5").contains("msi_index:  5")
        .contains("domain_id:  1 (MSI_SECONDARY_DOMAIN)").contains("cookie:     0x5");
    m.close();
  }

  @Test
  void imsBelongsToAcceleratorsAndTheirNamesAreChecked() {
    assertThatThrownBy(() -> Simulation.build(ScenarioParser.parse("x.yaml", """
        name: x
        machine: { cpus: 2 }
        devices: [ { id: nic0, type: nic, msix: { table: 2 }, ims: { storage: device, slots: 4 } } ]
        """), 1)).isInstanceOf(ScenarioException.class).hasMessageContaining("ims belongs to accelerators");
    assertThatThrownBy(() -> Simulation.build(ScenarioParser.parse("x.yaml", """
        name: x
        machine: { cpus: 2 }
        devices: [ { id: acc0, type: accelerator, ims: { storage: device, slots: 4 } } ]
        """), 1)).isInstanceOf(ScenarioException.class).hasMessageContaining("an accelerator has msix");
    assertThatThrownBy(() -> ScenarioParser.parse("x.yaml", acc("device", 8, 1, "",
        "  - { at: 1ms, disable-irq: { irq: acc0/msix/1 } }")))
        .isInstanceOf(ScenarioException.class).hasMessageContaining("MSI-X entry 0 only");
    assertThat(ScenarioParser.parse("x.yaml", acc("device", 8, 1, "",
        "  - { at: 1ms, disable-irq: { irq: acc0/msix/0 } }")).timeline()).hasSize(1);
  }
}
