package irqlab.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * What the reader fills in for what a scenario leaves out, from QEMU's device models and the
 * README: the ICH9 AHCI a q35 machine brings (00:1f.2, six ports, one 64-bit MSI without masking,
 * bound to ahci), each Linux device type's default queues and capabilities, the xAPIC CPU limit,
 * and where every written value is, for refusals made after parsing.
 */
class ScenarioDefaultsTest {
  private static Scenario parse(String yaml) {
    return ScenarioParser.parse("t.yaml", yaml);
  }

  @Test
  void q35BringsTheIch9AhciBoundToAhciUnlessTheScenarioDrivesItItself() {
    Scenario s = parse("name: t\nmachine: { cpus: 2, chipset: q35 }\n");
    DeviceSpec ahci = s.device("ahci0").orElseThrow();
    assertThat(ahci.bdf()).isEqualTo("0000:00:1f.2");
    assertThat(ahci.type()).isEqualTo("ahci");
    assertThat(ahci.queues()).isEqualTo(6);
    assertThat(ahci.msi()).isEqualTo(new MsiSpec(1, false, true));
    assertThat(ahci.hasMsix()).isFalse();
    DriverSpec d = s.driverFor("ahci0").orElseThrow();
    assertThat(d.driver()).isEqualTo("ahci");
    assertThat(d.vectors()).isEqualTo(new VectorsSpec(1, Integer.MAX_VALUE, null, Affinity.NONE));
    assertThat(s.drivers()).hasSize(1);
    // The scenario's own driver line for it wins; there is still one.
    Scenario own = parse("name: t\nmachine: { cpus: 2, chipset: q35 }\n"
        + "drivers:\n  - { device: ahci0, vectors: { kind: intx } }\n");
    assertThat(own.drivers()).hasSize(1);
    assertThat(own.driverFor("ahci0").orElseThrow().vectors().kind()).isEqualTo("intx");
    // i440fx and no chipset have no AHCI.
    assertThat(parse("name: t\nmachine: { cpus: 2, chipset: i440fx }\n").device("ahci0")).isEmpty();
    assertThat(parse("name: t\nmachine: { cpus: 2 }\n").devices()).isEmpty();
  }

  @Test
  void eachLinuxDeviceTypeGetsQemusQueuesAndCapabilities() {
    Scenario s = parse("""
        name: t
        machine: { cpus: 2 }
        devices:
          - { id: nvme0, type: nvme }
          - { id: nvme1, type: nvme, queues: 4 }
          - { id: nvme2, type: nvme, queues: 4000 }
          - { id: nic1, type: e1000e }
          - { id: sata0, type: ahci }
          - { id: old0, type: legacy-msi }
          - { id: net0, type: virtio-net, msix: { table: 3 } }
        """);
    assertThat(s.device("nvme0").orElseThrow().queues()).isEqualTo(64);
    assertThat(s.device("nvme0").orElseThrow().msix()).isEqualTo(new MsixSpec(65));
    assertThat(s.device("nvme1").orElseThrow().msix()).isEqualTo(new MsixSpec(5));
    assertThat(s.device("nvme2").orElseThrow().msix()).as("an MSI-X table has at most 2048 entries")
        .isEqualTo(new MsixSpec(2048));
    assertThat(s.device("nvme0").orElseThrow().hasMsi()).isFalse();
    DeviceSpec e1000e = s.device("nic1").orElseThrow();
    assertThat(e1000e.queues()).isEqualTo(2);
    assertThat(e1000e.msix()).isEqualTo(new MsixSpec(5));
    assertThat(e1000e.msi()).isEqualTo(new MsiSpec(1, false, true));
    assertThat(s.device("sata0").orElseThrow().queues()).isEqualTo(6);
    assertThat(s.device("sata0").orElseThrow().msi()).isEqualTo(new MsiSpec(1, false, true));
    assertThat(s.device("old0").orElseThrow().msi()).isEqualTo(new MsiSpec(1, false, true));
    assertThat(s.device("old0").orElseThrow().queues()).isEqualTo(1);
    assertThat(s.device("net0").orElseThrow().queues()).isEqualTo(1);
    assertThat(s.device("net0").orElseThrow().hasMsi()).isFalse();
    // A Linux driver without a line of its own has none in the scenario; with one, its caps.
    Scenario capped = parse("name: t\nmachine: { cpus: 2 }\ndevices:\n  - { id: nvme0, type: nvme }\n"
        + "drivers:\n  - { device: nvme0, vectors: { max: 3, kind: msix } }\n");
    assertThat(capped.driverFor("nvme0").orElseThrow().vectors())
        .isEqualTo(new VectorsSpec(1, 3, "msix", Affinity.NONE));
    assertThat(capped.driverFor("nvme0").orElseThrow().params()).isEmpty();
  }

  @Test
  void xapicTakesUpTo255CpusWithoutRemapping() {
    // APIC ids 0..0xfe (0xff is the broadcast id); above that x2APIC, which needs remapping.
    assertThat(parse("name: t\nmachine: { cpus: 255 }\n").machine().cpus()).isEqualTo(255);
  }

  @Test
  void everyWrittenValueIsLocatedAndAnUnwrittenKeyAtItsNearestWrittenParent() {
    Scenario s = parse("""
        name: t
        machine:
          cpus: 2
        devices:
          - id: nic0
            type: nic
            msix: { table: 4 }
        timeline:
          - at: 1ms
            traffic: { device: nic0, rate: 1k/s, for: 1ms }
        """);
    assertThat(s.locate("machine.cpus")).isEqualTo(new Loc("t.yaml", 3, 9));
    assertThat(s.locate("devices[0].type")).isEqualTo(new Loc("t.yaml", 6, 11));
    assertThat(s.locate("devices[0].msix.table")).isEqualTo(new Loc("t.yaml", 7, 20));
    assertThat(s.locate("timeline[0].traffic.rate")).isEqualTo(new Loc("t.yaml", 10, 36));
    // queues is not written: its device's mapping is where it would go.
    assertThat(s.locate("devices[0].queues")).isEqualTo(new Loc("t.yaml", 5, 5));
    assertThat(s.locate("timeline[0]")).isEqualTo(new Loc("t.yaml", 9, 5));
  }
}
