package irqlab.sim;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.irq.IrqdState;
import irqlab.scenario.ScenarioParser;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * virtio-net over virtio-pci as Linux 6.12 sets it up (vp_find_vqs, virtnet_set_affinity):
 * expected values from the q35 and pc reference dumps and from virtio_pci_common.c.
 */
class VirtioNetDeviceTest {
  private static String yaml(int cpus, String remapping, String device, String timeline) {
    return "name: virtio-test\n"
        + "machine: { cpus: " + cpus + ", remapping: " + remapping + " }\n"
        + "devices:\n  - { id: net0, bdf: \"0000:00:01.0\", type: virtio-net" + device + " }\n"
        + "drivers:\n  - { device: net0 }\n"
        + (timeline == null ? "" : "timeline:\n" + timeline);
  }

  private static final String Q35 = ", queues: 4, msix: { table: 10 }";

  private static IrqDesc desc(Machine m, String name) {
    Integer irq = m.interruptNames().get(name);
    assertThat(irq).as("%s exists", name).isNotNull();
    return m.kernel().descs().get(irq);
  }

  /** The virtio0 rows of a reference phase: each name's chip, hwirq and affinity in the model. */
  private static void assertLikeReference(Machine m, String phase) {
    Map<String, RefDump.Row> ref = RefDump.rows("q35-ir-4cpu", phase);
    int n = 0;
    for (Map.Entry<String, Integer> e : m.interruptNames().entrySet()) {
      IrqDesc d = m.kernel().descs().get(e.getValue());
      RefDump.Row r = ref.get(d.action().name());
      assertThat(r).as("reference row for %s", d.action().name()).isNotNull();
      assertThat(d.chip().name()).isEqualTo(r.chip());
      assertThat(Long.toString(d.data().hwirq())).isEqualTo(r.hwirq());
      assertThat(Integer.toString(d.node())).isEqualTo(r.node());
      assertThat(d.data().is(IrqdState.AFFINITY_MANAGED)).isFalse();
      if (!d.action().name().endsWith("config")) {
        assertThat(d.affinity().toList()).as("%s in %s", d.action().name(), phase).isEqualTo(r.affinity());
        assertThat(d.effectiveAffinity().toList()).as("%s in %s", d.action().name(), phase).isEqualTo(r.effective());
      }
      n++;
    }
    assertThat(n).isEqualTo(9);
  }

  @Test
  void oneVectorPerQueueSpreadAsVirtnetSetAffinityDoesAcrossHotplug() {
    Assumptions.assumeTrue(RefDump.present(), "reference dumps not present");
    Machine m = TestMachines.boot(yaml(4, "intel", Q35, null), 1);
    // Let the moves the affinity hints made finish (old vectors freed at the next tick).
    TestMachines.rt(m).runUntil(10_000_000);
    assertLikeReference(m, "boot_linkup");
    TestMachines.onTask(m, () -> m.kernel().smpBoot().cpuDown(1));
    TestMachines.rt(m).runUntil(20_000_000);
    assertLikeReference(m, "b_offline_cpu1");
    TestMachines.onTask(m, () -> m.kernel().smpBoot().cpuUp(1));
    TestMachines.rt(m).runUntil(30_000_000);
    assertLikeReference(m, "c_online_cpu1");
    assertThat(desc(m, "net0/msix/1").affinityHint().toList()).isEqualTo("0");
  }

  @Test
  void tooFewVectorsFallBackToOneSharedByTheQueues() {
    // 4 pairs need 9 vectors; with 3 both per-queue policies fail and the shared one takes 2.
    Machine m = TestMachines.boot(yaml(2, "none", ", queues: 4, msix: { table: 3 }", null), 1);
    assertThat(m.interruptNames().keySet()).containsExactly("net0/msix/0", "net0/msix/1");
    assertThat(desc(m, "net0/msix/0").action().name()).isEqualTo("virtio0-config");
    assertThat(desc(m, "net0/msix/1").action().name()).isEqualTo("virtio0-virtqueues");
    RunResult r = Simulation.run(ScenarioParser.parse("t.yaml", yaml(2, "none", ", queues: 4, msix: { table: 3 }",
        "  - at: 0ms\n    link-up: { device: net0 }\n"
            + "  - at: 0ms\n    traffic: { device: net0, queues: all, rate: 20k/s, for: 5ms }\n")), 1);
    assertThat(r.violations()).isEmpty();
    assertThat(r.irqs().get(1).delivered()[0] + r.irqs().get(1).delivered()[1]).isGreaterThan(50);
  }

  @Test
  void threeVectorsForOnePairAsOnThePcReference() {
    Assumptions.assumeTrue(RefDump.present(), "reference dumps not present");
    // pc-legacy-2cpu: virtio-net-pci,vectors=3 at 00:04.0, irqs 24-26.
    Machine m = TestMachines.boot("name: t\nmachine: { cpus: 2 }\ndevices:\n"
        + "  - { id: net1, bdf: \"0000:00:04.0\", type: virtio-net, msix: { table: 3 } }\n"
        + "drivers:\n  - { device: net1 }\n", 1);
    Map<Integer, RefDump.Row> ref = RefDump.byIrq("pc-legacy-2cpu", "boot_linkup");
    for (int irq = 24; irq <= 26; irq++) {
      IrqDesc d = m.kernel().descs().get(irq);
      assertThat(d.chip().name()).isEqualTo(ref.get(irq).chip());
      assertThat(Long.toString(d.data().hwirq())).isEqualTo(ref.get(irq).hwirq());
      // The reference had virtio0 (INTx) before it, so its instance is virtio1.
      assertThat(d.action().name()).isEqualTo(ref.get(irq).actions().replace("virtio1", "virtio0"));
    }
  }

  @Test
  void vectorsTheMatrixCannotGiveFailAtRequestIrqAndTheDriverFallsBack() {
    // 256 pairs need 513 vectors; 2 CPUs have 402. Allocation only reserves ("Interrupt
    // reservation exceeds available resources"); request_irq fails with ENOSPC on the first vector
    // without room, everything is freed, and the two-vector policy succeeds.
    Machine m = TestMachines.boot(yaml(2, "none", ", queues: 256, msix: { table: 513 }", null), 1);
    assertThat(m.interruptNames().keySet()).containsExactly("net0/msix/0", "net0/msix/1");
    assertThat(desc(m, "net0/msix/1").action().name()).isEqualTo("virtio0-virtqueues");
    assertThat(m.kernel().matrix().warnings()).anyMatch(w -> w.contains("Interrupt reservation exceeds available resources"));
    assertThat(m.kernel().matrix().totalAllocated()).isEqualTo(2);
  }

  @Test
  void trafficFlowsOnlyWhileTheInterfaceIsUpAndOnThePairsInUse() {
    // 4 pairs on 2 CPUs: curr_queue_pairs = 2, pairs 2 and 3 carry nothing.
    String t = "  - at: 0ms\n    traffic: { device: net0, queues: all, rate: 20k/s, for: 4ms }\n"
        + "  - at: 2ms\n    link-up: { device: net0 }\n";
    RunResult r = Simulation.run(ScenarioParser.parse("t.yaml", yaml(2, "none", Q35, t)), 1);
    assertThat(r.actions()).contains("2ms link-up net0: OK; eth0 up");
    long[] perIrq = r.irqs().stream().mapToLong(s -> s.delivered()[0] + s.delivered()[1]).toArray();
    assertThat(perIrq[1]).isBetween(20L, 60L); // input.0, 2 ms of 20k/s
    assertThat(perIrq[5] + perIrq[6] + perIrq[7] + perIrq[8]).isZero();
  }

  private static final String BUSY = ""
      + "  - at: 0ms\n    link-up: { device: net0 }\n"
      + "  - at: 0ms\n    traffic: { device: net0, queues: all, rate: 20k/s, for: 8ms }\n"
      + "  - at: 1ms\n    set-affinity: { irq: net0/msix/1, cpus: [3] }\n"
      + "  - at: 2ms\n    cpu-offline: 3\n"
      + "  - at: 3ms\n    set-affinity: { irq: net0/msix/3, cpus: [1] }\n"
      + "  - at: 4ms\n    cpu-offline: 1\n"
      + "  - at: 5ms\n    cpu-online: 3\n"
      + "  - at: 6ms\n    cpu-online: 1\n";

  @ParameterizedTest
  @ValueSource(strings = {"none", "intel"})
  void steadyTrafficWithAffinityWritesAndHotplugRunsAndExploresClean(String remapping) {
    var s = ScenarioParser.parse("t.yaml", yaml(4, remapping, Q35, BUSY));
    for (long seed = 1; seed <= 3; seed++) {
      RunResult r = Simulation.run(s, seed);
      assertThat(r.violations()).as("seed %d", seed).isEmpty();
      assertThat(r.devices().get(0).completed()).isGreaterThan(1000);
    }
    var small = ScenarioParser.parse("t.yaml", yaml(4, remapping, Q35, BUSY.replace("20k/s", "3k/s")));
    TestMachines.exploresClean(small, 5, 20);
  }
}
