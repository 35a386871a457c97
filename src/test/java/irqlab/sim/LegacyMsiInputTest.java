package irqlab.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import irqlab.scenario.Scenario;
import irqlab.scenario.ScenarioException;
import irqlab.scenario.ScenarioParser;
import org.junit.jupiter.api.Test;

/** The legacy-msi device type and MSI driver kinds as scenarios give them. */
class LegacyMsiInputTest {
  private static Scenario parse(String devices, String vectors) {
    return ScenarioParser.parse("in.yaml", "name: in\nmachine: { cpus: 2 }\ndevices:\n  - " + devices
        + "\ndrivers:\n  - { device: d0, vectors: " + vectors + " }\n");
  }

  @Test
  void aLegacyMsiDeviceWithoutAnMsiKeyHasOneNonMaskableVector() {
    Scenario s = parse("{ id: d0, type: legacy-msi, queues: 2 }", "{ max: 1, kind: msi }");
    assertThat(s.devices().get(0).msi().vectors()).isEqualTo(1);
    assertThat(s.devices().get(0).msi().maskable()).isFalse();
    Machine m = TestMachines.boot("name: in\nmachine: { cpus: 2 }\ndevices:\n"
        + "  - { id: d0, type: legacy-msi, queues: 2 }\ndrivers:\n  - { device: d0, vectors: { max: 1, kind: msi } }\n", 1);
    assertThat(m.interruptNames()).containsOnlyKeys("d0/msi/0");
    assertThat(m.binding("d0").device().msi().shape().perVectorMask()).isFalse();
    assertThat(m.binding("d0").device().msixTableSize()).isZero();
  }

  @Test
  void aLegacyMsiDeviceRefusesMsixAndMaskableMsi() {
    String[][] cases = {
        {"{ id: d0, type: legacy-msi, msi: { vectors: 1 }, msix: { table: 2 } }", "devices[0].msix"},
        {"{ id: d0, type: legacy-msi, msi: { vectors: 1, maskable: true } }", "devices[0].msi.maskable"}};
    for (String[] c : cases) {
      Scenario s = parse(c[0], "{ max: 1, kind: msi }");
      assertThatThrownBy(() -> Simulation.run(s, 1))
          .isInstanceOf(ScenarioException.class)
          .hasMessageContaining(": " + c[1] + ": ")
          .hasMessageContaining("legacy-msi");
    }
  }
}
