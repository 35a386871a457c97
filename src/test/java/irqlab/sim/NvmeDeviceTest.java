package irqlab.sim;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.irq.IrqdState;
import irqlab.kernel.x86.VectorDomain;
import irqlab.report.ProcInterrupts;
import irqlab.scenario.ScenarioParser;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The nvme device type with the Linux nvme driver's interrupt life (drivers/nvme/host/pci.c):
 * expected values from the q35 reference dumps and from nvme_setup_irqs / nvme_calc_irq_sets.
 */
class NvmeDeviceTest {
  private static String yaml(int cpus, String remapping, String device, String driver, String timeline) {
    return "name: nvme-test\n"
        + "machine: { cpus: " + cpus + ", remapping: " + remapping + " }\n"
        + "devices:\n  - { id: nvme0, bdf: \"0000:00:02.0\", type: nvme" + device + " }\n"
        + "drivers:\n  - { device: nvme0" + driver + " }\n"
        + (timeline == null ? "" : "timeline:\n" + timeline);
  }

  private static IrqDesc desc(Machine m, String name) {
    Integer irq = m.interruptNames().get(name);
    assertThat(irq).as("%s exists", name).isNotNull();
    return m.kernel().descs().get(irq);
  }

  @Test
  void probeGivesTheReferenceQueuesChipsAndSpreading() {
    Assumptions.assumeTrue(RefDump.present(), "reference dumps not present");
    Machine m = TestMachines.boot(yaml(4, "intel", "", "", null), 1);
    Map<String, RefDump.Row> ref = RefDump.rows("q35-ir-4cpu", "boot");
    for (int q = 0; q <= 4; q++) {
      RefDump.Row r = ref.get("nvme0q" + q);
      IrqDesc d = desc(m, "nvme0/msix/" + q);
      assertThat(d.action().name()).isEqualTo(r.actions());
      assertThat(d.chip().name()).isEqualTo(r.chip());
      assertThat(Long.toString(d.data().hwirq())).isEqualTo(r.hwirq());
      assertThat(d.handlerName()).isEqualTo(r.flow());
      assertThat(d.affinity().toList()).as("nvme0q%d affinity", q).isEqualTo(r.affinity());
      assertThat(Integer.toString(d.node())).isEqualTo(r.node());
      // nvme0q0 is the pre_vector: default affinity, not managed; the rest are managed.
      assertThat(d.data().is(IrqdState.AFFINITY_MANAGED)).isEqualTo(q > 0);
      if (q > 0) {
        assertThat(d.effectiveAffinity().toList()).isEqualTo(r.effective());
      }
    }
    // Contiguous irqs: the admin vector was freed and allocated again at the same number.
    int q0 = m.interruptNames().get("nvme0/msix/0");
    for (int q = 1; q <= 4; q++) {
      assertThat(m.interruptNames().get("nvme0/msix/" + q)).isEqualTo(q0 + q);
    }
    assertThat(m.kernel().log().lines()).anyMatch(l -> l.text().equals("nvme nvme0: 4/0/0 default/read/poll queues"));
    assertThat(RefDump.lines("q35-ir-4cpu/irqdbg/final/dmesg"))
        .anyMatch(l -> l.endsWith("nvme nvme0: 4/0/0 default/read/poll queues"));
  }

  @Test
  void writeQueuesMakeTwoSetsEachSpreadOnItsOwn() {
    // q35-ir-2cpu-many (nvme.write_queues=2 on 2 CPUs): 2/2/0, q1->0, q2->1, q3->0, q4->1.
    Machine m = TestMachines.boot(yaml(2, "none", "", ", params: { write_queues: 2 }", null), 1);
    String[] expected = {"0-1", "0", "1", "0", "1"};
    for (int q = 0; q <= 4; q++) {
      assertThat(desc(m, "nvme0/msix/" + q).affinity().toList()).as("q%d", q).isEqualTo(expected[q]);
    }
    assertThat(m.kernel().log().lines()).anyMatch(l -> l.text().equals("nvme nvme0: 2/2/0 default/read/poll queues"));
  }

  @Test
  void pollQueuesGetNoInterrupt() {
    // nr_io_queues = min(4 + 0 + 1, 64) = 5; one polled, so 1 + 4 vectors (nvme_setup_irqs).
    Machine m = TestMachines.boot(yaml(4, "none", "", ", params: { poll_queues: 1 }", null), 1);
    assertThat(m.interruptNames().keySet()).containsExactly(
        "nvme0/msix/0", "nvme0/msix/1", "nvme0/msix/2", "nvme0/msix/3", "nvme0/msix/4");
    assertThat(m.kernel().log().lines()).anyMatch(l -> l.text().equals("nvme nvme0: 4/0/1 default/read/poll queues"));
  }

  @ParameterizedTest
  @ValueSource(strings = {", queues: 2|", "|, vectors: { max: 3 }"})
  void fewerQueuesOrACapSpreadTwoQueuesOverFourCpus(String variant) {
    String[] parts = variant.split("\\|", -1);
    Machine m = TestMachines.boot(yaml(4, "none", parts[0], parts[1], null), 1);
    assertThat(m.interruptNames()).hasSize(3);
    assertThat(desc(m, "nvme0/msix/1").affinity().toList()).isEqualTo("0-1");
    assertThat(desc(m, "nvme0/msix/2").affinity().toList()).isEqualTo("2-3");
    assertThat(m.kernel().log().lines()).anyMatch(l -> l.text().equals("nvme nvme0: 2/0/0 default/read/poll queues"));
  }

  @Test
  void aSingleVectorIsSharedByEveryQueue() {
    // MSI without remapping gives one vector, so one I/O queue (max_qid = max(vecs - 1, 1)), and
    // it uses vector 0 (nvme_create_queue) with its own pci_request_irq on the shared line.
    String dev = ", queues: 2, msi: { vectors: 4, maskable: true }";
    Machine m = TestMachines.boot(yaml(2, "none", dev, ", vectors: { kind: msi }",
        "  - at: 0ms\n    traffic: { device: nvme0, queues: all, rate: 50k/s, for: 2ms }\n"), 1);
    assertThat(m.interruptNames().keySet()).containsExactly("nvme0/msi/0");
    String row = ProcInterrupts.row(m.kernel(), desc(m, "nvme0/msi/0"), 3);
    assertThat(row).endsWith("PCI-MSI-0000:00:02.0   0-edge      nvme0q0, nvme0q1\n");
    RunResult r = Simulation.run(ScenarioParser.parse("t.yaml", yaml(2, "none", dev, ", vectors: { kind: msi }",
        "  - at: 0ms\n    traffic: { device: nvme0, queues: all, rate: 50k/s, for: 2ms }\n")), 1);
    assertThat(r.violations()).isEmpty();
    // Each run of the shared line calls both handlers; the I/O queue's claims it.
    assertThat(r.irqs().get(0).spurious()[0] + r.irqs().get(0).spurious()[1]).isZero();
    assertThat(r.irqs().get(0).delivered()[0] + r.irqs().get(0).delivered()[1]).isGreaterThan(50);
  }

  @Test
  void managedQueueShutsDownWithItsCpuAndComesBackOnTheSameVector() {
    Assumptions.assumeTrue(RefDump.present(), "reference dumps not present");
    Machine m = TestMachines.boot(yaml(4, "intel", "", "", null), 1);
    IrqDesc q2 = desc(m, "nvme0/msix/2");
    int vector = VectorDomain.apicChipData(q2.data()).vector();
    TestMachines.onTask(m, () -> m.kernel().smpBoot().cpuDown(1));
    // b_offline_cpu1/irq_irqs_all/28 (nvme0q2): shut down, effective the first online CPU, vector 0.
    assertThat(q2.data().is(IrqdState.MANAGED_SHUTDOWN)).isTrue();
    assertThat(q2.depth()).isEqualTo(1);
    assertThat(q2.effectiveAffinity().toList()).isEqualTo("0");
    assertThat(VectorDomain.apicChipData(q2.data()).vector()).isZero();
    assertThat(VectorDomain.apicChipData(q2.data()).cpu()).isEqualTo(1);
    RefDump.Row ref = RefDump.rows("q35-ir-4cpu", "b_offline_cpu1").get("nvme0q2");
    assertThat(q2.affinity().toList() + "/" + q2.effectiveAffinity().toList())
        .isEqualTo(ref.affinity() + "/" + ref.effective());
    TestMachines.onTask(m, () -> m.kernel().smpBoot().cpuUp(1));
    assertThat(q2.data().is(IrqdState.MANAGED_SHUTDOWN)).isFalse();
    assertThat(q2.effectiveAffinity().toList()).isEqualTo("1");
    assertThat(VectorDomain.apicChipData(q2.data()).vector()).isEqualTo(vector);
  }

  @Test
  void affinityWritesWorkOnTheAdminQueueAndFailOnManagedOnes() {
    // a_affinity/actions: /proc/irq/26 (nvme0q0) <- 2 OK; /proc/irq/27 (nvme0q1) EPERM.
    RunResult r = Simulation.run(ScenarioParser.parse("t.yaml", yaml(4, "intel", "", "",
        "  - at: 1ms\n    set-affinity: { irq: nvme0/msix/0, cpus: [2] }\n"
            + "  - at: 1ms\n    set-affinity: { irq: nvme0/msix/1, cpus: [2] }\n")), 1);
    assertThat(r.actions()).anySatisfy(a -> assertThat(a).contains("(nvme0/msix/0): OK; now smp=2 eff=2"));
    assertThat(r.actions()).anySatisfy(a -> assertThat(a).contains("(nvme0/msix/1): FAILED: EPERM"));
  }

  @Test
  void unbindAndBindGiveTheSameControllerAndNames() {
    RunResult r = Simulation.run(ScenarioParser.parse("t.yaml", yaml(2, "none", "", "",
        "  - at: 1ms\n    unbind: { device: nvme0 }\n  - at: 2ms\n    bind: { device: nvme0 }\n")), 1);
    assertThat(r.actions()).anySatisfy(a -> assertThat(a).endsWith("bind nvme0: OK; 2/0/0 default/read/poll queues,"
        + " 3 MSI-X vectors"));
    assertThat(r.irqs()).extracting(RunResult.IrqStat::action).containsExactly("nvme0q0", "nvme0q1", "nvme0q2");
  }

  private static final String BUSY = ""
      + "  - at: 0ms\n    traffic: { device: nvme0, queues: all, rate: 30k/s, for: 8ms }\n"
      + "  - at: 1ms\n    set-affinity: { irq: nvme0/msix/0, cpus: [3] }\n"
      + "  - at: 2ms\n    cpu-offline: 2\n"
      + "  - at: 3ms\n    set-affinity: { irq: nvme0/msix/0, cpus: [1] }\n"
      + "  - at: 4ms\n    cpu-offline: 1\n"
      + "  - at: 5ms\n    cpu-online: 2\n"
      + "  - at: 6ms\n    cpu-online: 1\n";

  @ParameterizedTest
  @ValueSource(strings = {"none", "intel"})
  void steadyTrafficWithAffinityWritesAndHotplugRunsClean(String remapping) {
    for (long seed = 1; seed <= 3; seed++) {
      RunResult r = Simulation.run(ScenarioParser.parse("t.yaml", yaml(4, remapping, "", "", BUSY)), seed);
      assertThat(r.violations()).as("seed %d", seed).isEmpty();
      assertThat(r.devices().get(0).completed()).isGreaterThan(500);
      assertThat(r.devices().get(0).outstanding()).isZero();
    }
  }

  @Test
  void steadyTrafficWithAffinityWritesAndHotplugExploresClean() {
    var s = ScenarioParser.parse("t.yaml", yaml(4, "none", "", ", params: { write_queues: 1 }",
        BUSY.replace("30k/s, for: 8ms", "4k/s, for: 8ms")));
    TestMachines.exploresClean(s, 3, 25);
  }
}
