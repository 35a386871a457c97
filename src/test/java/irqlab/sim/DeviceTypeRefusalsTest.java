package irqlab.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import irqlab.scenario.ScenarioException;
import irqlab.scenario.ScenarioParser;
import irqlab.sim.run.RunRuntime;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a device type refuses when the machine is built: one line at the offending key, exit 2
 * from the command line, nothing run.
 */
class DeviceTypeRefusalsTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{ id: nic0, type: nic, queues: 2 }|{ device: nic0, vectors: { max: 1, kind: intx } }|"
          + "t.yaml:6:46: drivers[0].vectors.kind: vector kind 'intx' needs a chipset that routes INTx",
      "{ id: net0, type: virtio-net }|{ device: net0 }|"
          + "t.yaml:4:5: devices[0]: a virtio-net device without msix signals INTx, which needs machine.chipset",
      "{ id: vmd0, type: vmd, msix: { table: 4 } }|{ device: vmd0, vectors: { max: 2 } }|"
          + "t.yaml:6:30: drivers[0].vectors: the vmd driver takes every MSI-X vector the device has",
      "{ id: sata, type: ahci, queues: 40 }|{ device: sata }|"
          + "t.yaml:4:37: devices[0].queues: an AHCI host has 1 to 32 ports"})
  void refusesAtTheKey(String device, String driver, String message) {
    String yaml = "name: t\nmachine: { cpus: 2 }\ndevices:\n  - " + device + "\ndrivers:\n  - " + driver + "\n";
    ScenarioException e = catchThrowableOfType(ScenarioException.class,
        () -> Machine.build(ScenarioParser.parse("t.yaml", yaml), new RunRuntime(1)));
    assertThat(e).isNotNull();
    assertThat(e.getMessage()).startsWith(message).doesNotContain("\n");
  }
}
