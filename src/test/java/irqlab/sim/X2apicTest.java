package irqlab.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import irqlab.hw.iommu.Irte;
import irqlab.kernel.KernelLog;
import irqlab.kernel.iommu.IntelIrData;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.x86.ApicDriver;
import irqlab.scenario.Scenario;
import irqlab.scenario.ScenarioException;
import irqlab.scenario.ScenarioParser;
import irqlab.sim.run.RunRuntime;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Machines above 254 APIC ids: x2APIC with remapping in x2APIC mode, cluster destinations in the
 * IRTEs, and Linux's refusal without remapping.
 */
class X2apicTest {
  private static String yaml(int cpus, String remapping, int queues) {
    return "name: big\nmachine: { cpus: " + cpus + remapping + " }\n"
        + "devices:\n  - { id: nic0, type: nic, msix: { table: " + queues + " }, queues: " + queues + " }\n"
        + "drivers:\n  - { device: nic0, vectors: { min: 1, max: " + queues + ", kind: msix, affinity: managed } }\n"
        + "timeline:\n  - { at: 0ms, traffic: { device: nic0, rate: 20k/s, for: 2ms } }\n";
  }

  @Test
  void aThousandCpusRunInX2apicClusterModeWithEveryQueueDelivered() {
    Scenario s = ScenarioParser.parse("big.yaml", yaml(1024, ", remapping: intel", 1024));
    Machine m = Simulation.build(s, 1);
    ((RunRuntime) m.exec()).runToQuiescence();
    assertThat(m.kernel().apicDriver()).isEqualTo(ApicDriver.CLUSTER_X2APIC);
    List<String> log = m.kernel().log().lines().stream().map(KernelLog.Line::text).toList();
    assertThat(log).contains("x2apic: enabled by BIOS, switching to x2apic ops",
        "DMAR-IR: Enabled IRQ remapping in x2apic mode", "APIC: Switched APIC routing to: cluster x2apic");
    // Managed spreading gives queue 1000 CPU 1000: APIC id 0x3e8, cluster 0x3e, bit 8 (Intel SDM
    // 10.12.10.2: logical x2APIC id = cluster << 16 | 1 << (id & 15)).
    IrqDesc d = m.kernel().descs().get(m.interruptNames().get("nic0/msix/1000"));
    assertThat(d.effectiveAffinity().toList()).isEqualTo("1000");
    IntelIrData ir = (IntelIrData) d.data().levelIn(m.kernel().intelIommu().irDomain().domain()).chipData();
    Irte e = m.kernel().intelIommu().irDomain().peekTableEntry(ir.entryIndex());
    assertThat(e.destModeLogical()).isTrue();
    assertThat(e.destId()).isEqualTo(0x003e0100);
    assertThat(e.apicId(true)).isEqualTo(1000);
    assertThat(d.count(1000)).isGreaterThan(0);
    // Every queue's interrupt reached the CPU its affinity names, and nothing was lost.
    for (int q = 0; q < 1024; q += 97) {
      IrqDesc dq = m.kernel().descs().get(m.interruptNames().get("nic0/msix/" + q));
      assertThat(dq.count(q)).as("queue %d on CPU %d", q, q).isEqualTo(m.binding("nic0").device().completedTotal(q));
    }
    assertThat(m.oracle().violations()).isEmpty();
  }

  @Test
  void twoHundredFiftyFiveCpusStayXapicWithTheirByteDestinations() {
    Scenario s = ScenarioParser.parse("xapic.yaml", yaml(255, ", remapping: intel", 255));
    Machine m = Simulation.build(s, 1);
    ((RunRuntime) m.exec()).runToQuiescence();
    assertThat(m.kernel().apicDriver()).isEqualTo(ApicDriver.PHYSICAL_FLAT);
    IrqDesc d = m.kernel().descs().get(m.interruptNames().get("nic0/msix/254"));
    IntelIrData ir = (IntelIrData) d.data().levelIn(m.kernel().intelIommu().irDomain().domain()).chipData();
    Irte e = m.kernel().intelIommu().irDomain().peekTableEntry(ir.entryIndex());
    // IRTE_DEST in xapic mode: the APIC id in bits 15:8 of DST, physical destination mode.
    assertThat(e.destModeLogical()).isFalse();
    assertThat(e.destId()).isEqualTo(0xfe00);
    assertThat(m.kernel().log().lines().stream().map(KernelLog.Line::text))
        .contains("DMAR-IR: Enabled IRQ remapping in xapic mode").noneMatch(l -> l.contains("x2apic"));
    assertThat(d.count(254)).isGreaterThan(0);
    assertThat(m.oracle().violations()).isEmpty();
  }

  @Test
  void withoutRemappingCpu255AndUpAreRefusedAsLinuxRefusesX2apic() {
    assertThatThrownBy(() -> ScenarioParser.parse("big.yaml", yaml(256, "", 4)))
        .isInstanceOf(ScenarioException.class)
        .hasMessageContaining("big.yaml:2:18: machine.cpus:")
        .hasMessageContaining("x2apic: IRQ remapping doesn't support X2APIC mode")
        .hasMessageContaining("CPU 255 has invalid APIC ID ff. Aborting bringup");
    assertThat(ScenarioParser.parse("ok.yaml", yaml(255, "", 4)).machine().cpus()).isEqualTo(255);
  }
}
