package irqlab.sim;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.scenario.ScenarioParser;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 7 item 4: at boot each driver binds its devices in PCI bus order (driver_attach walks the
 * bus's device list, built in domain, bus, devfn order by enumeration: drivers/base/dd.c,
 * drivers/pci/probe.c), so irq numbers follow bus order, not the order of the YAML file. Different
 * drivers bind in the order they register: on the reference machine (built-in drivers, link
 * order) AHCI at 00:1f.2 takes irq 24 before nvme at 00:02.0 takes 25-29
 * (q35-noir-4cpu/irqdbg/boot_linkup/irq_table); irqlab registers a driver where its first entry
 * in drivers: stands.
 */
class ProbeOrderTest {
  private static Map<String, Integer> irqs(String yaml) {
    return TestMachines.boot(yaml, 1).interruptNames();
  }

  @Test
  void devicesOfOneDriverBindInBusOrderWhateverTheYamlOrder() {
    Map<String, Integer> irqs = irqs("""
        name: order
        machine: { cpus: 2 }
        devices:
          - { id: c, bdf: "0001:00:01.0", type: nic, msix: { table: 1 }, queues: 1 }
          - { id: b, bdf: "0000:02:00.0", type: nic, msix: { table: 1 }, queues: 1 }
          - { id: a2, bdf: "0000:00:1f.2", type: nic, msix: { table: 1 }, queues: 1 }
          - { id: a1, bdf: "0000:00:1f.0", type: nic, msix: { table: 2 }, queues: 2 }
        drivers:
          - { device: c, vectors: { min: 1, max: 1, kind: msix } }
          - { device: b, vectors: { min: 1, max: 1, kind: msix } }
          - { device: a2, vectors: { min: 1, max: 1, kind: msix } }
          - { device: a1, vectors: { min: 2, max: 2, kind: msix } }
        """);
    assertThat(irqs).containsEntry("a1/msix/0", 24).containsEntry("a1/msix/1", 25)
        .containsEntry("a2/msix/0", 26).containsEntry("b/msix/0", 27).containsEntry("c/msix/0", 28);
  }

  @Test
  void driversRegisterInTheOrderOfTheirFirstEntryAndEachTakesItsDevicesInBusOrder() {
    String yaml = """
        name: drivers
        machine: { cpus: 2 }
        devices:
          - { id: nvme0, bdf: "0000:00:02.0", type: nic, msix: { table: 1 }, queues: 1 }
          - { id: ahci, bdf: "0000:00:1f.2", type: legacy-msi, queues: 1 }
          - { id: nic9, bdf: "0000:00:01.0", type: nic, msix: { table: 1 }, queues: 1 }
          - { id: disk1, bdf: "0000:00:1e.0", type: legacy-msi, queues: 1 }
        drivers:
          - { device: ahci, vectors: { min: 1, max: 1, kind: msi } }
          - { device: nvme0, vectors: { min: 1, max: 1, kind: msix } }
          - { device: nic9, vectors: { min: 1, max: 1, kind: msix } }
          - { device: disk1, vectors: { min: 1, max: 1, kind: msi } }
        """;
    Map<String, Integer> irqs = irqs(yaml);
    assertThat(irqs).containsEntry("disk1/msi/0", 24).containsEntry("ahci/msi/0", 25)
        .containsEntry("nic9/msix/0", 26).containsEntry("nvme0/msix/0", 27);
    assertThat(Machine.probeOrder(ScenarioParser.parse("t.yaml", yaml)))
        .containsExactly("disk1", "ahci", "nic9", "nvme0");
  }

  @Test
  void devicesWithoutADriverComeLastAndTheReportKeepsTheYamlOrder() {
    String yaml = """
        name: nodriver
        machine: { cpus: 2 }
        devices:
          - { id: idle, bdf: "0000:00:01.0", type: nic, msix: { table: 1 }, queues: 1 }
          - { id: z, bdf: "0000:00:09.0", type: nic, msix: { table: 1 }, queues: 1 }
          - { id: y, bdf: "0000:00:08.0", type: nic, msix: { table: 1 }, queues: 1 }
        drivers:
          - { device: z, vectors: { min: 1, max: 1, kind: msix } }
          - { device: y, vectors: { min: 1, max: 1, kind: msix } }
        """;
    assertThat(Machine.probeOrder(ScenarioParser.parse("t.yaml", yaml))).containsExactly("y", "z", "idle");
    RunResult r = Simulation.run(ScenarioParser.parse("t.yaml", yaml), 1);
    assertThat(r.devices()).extracting(RunResult.DeviceStat::id).containsExactly("idle", "z", "y");
    assertThat(r.actions()).containsSubsequence(List.of("0ns probe y: 1 MSI-X vectors", "0ns probe z: 1 MSI-X vectors"));
  }
}
