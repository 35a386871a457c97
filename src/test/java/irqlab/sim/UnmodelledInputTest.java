package irqlab.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import irqlab.scenario.ScenarioException;
import irqlab.scenario.ScenarioParser;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the scenario language has and this build does not model is refused as the parser refuses
 * bad input: at the key's value, with the key path in the parser's form ({@code devices[1].type}).
 */
class UnmodelledInputTest {
  private static final String HEAD = """
      name: u
      machine: { cpus: 2, remapping: intel }
      devices:
        - id: nic0
          type: nic
          msix: { table: 2 }
      """;

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("""
              - id: d1
                type: nvme
                queues: 2
                ims: { storage: device, slots: 4 }
            """, "10:10", "devices[1].ims", "ims is not modelled for an nvme device"),
        Arguments.of("""
              - { id: v1, type: vmd, msix: { table: 4 } }
            drivers:
              - { device: v1 }
            timeline:
              - { at: 1ms, unbind: { device: v1 } }
            """, "11:24", "timeline[0].unbind", "unbind of a vmd (its PCI domain and every device in it) is not modelled"),
        Arguments.of("""
            drivers:
              - device: nic0
                vectors: { max: 1, kind: intx }
            """, "9:30", "drivers[0].vectors.kind", "vector kind 'intx' needs a chipset that routes INTx"),
        Arguments.of("""
              - { id: a0, type: accelerator, msix: { table: 1 }, ims: { storage: device, slots: 4 }, queues: 2 }
            drivers:
              - { device: a0, vectors: { max: 2, kind: ims } }
            timeline:
              - { at: 0ms, storm: { device: a0, queue: 0, rate: 1k/s, for: 1ms } }
            """, "11:23", "timeline[0].storm", "action 'storm' is not modelled for an accelerator"),
        Arguments.of("""
              - { id: l0, type: legacy-msi }
            drivers:
              - { device: l0, driver: vfio, vectors: { max: 1, kind: msi } }
            """, "9:27", "drivers[0].driver", "driver 'vfio' is modelled for nic devices only"));
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("cases")
  void refusedAtTheKey(String tail, String lineColumn, String keyPath, String problem) {
    String text = HEAD + tail;
    ScenarioException e = catchThrowableOfType(ScenarioException.class,
        () -> Simulation.run(ScenarioParser.parse("u.yaml", text), 1));
    assertThat(e).as(text).isNotNull();
    assertThat(e.getMessage()).startsWith("u.yaml:" + lineColumn + ": " + keyPath + ": ").contains(problem);
    assertThat(e.keyPath()).isEqualTo(keyPath);
  }
}
