package irqlab.sim;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.scenario.ScenarioParser;
import org.junit.jupiter.api.Test;

/**
 * Behaviours found by a fidelity audit with scenarios written as users write them, each checked
 * against what the Linux 6.12 code does (the file and function are named at each test); the
 * expected values come from that code, not from irqlab.
 */
class UserScenarioFidelityTest {
  private static RunResult run(String yaml) {
    return Simulation.run(ScenarioParser.parse("t.yaml", yaml), 1);
  }

  private static String action(RunResult r, String prefix) {
    return r.actions().stream().filter(a -> a.contains(prefix)).findFirst().orElseThrow();
  }

  /**
   * drivers/base/bus.c bind_store -> dd.c device_driver_attach -> __driver_probe_device: a device
   * that has a driver already is -EBUSY, and the driver's probe does not run (so no failed probe
   * fails the run); unbind_store of a device without the driver is -ENODEV.
   */
  @Test
  void bindingABoundDeviceIsEbusyAndRunsNoProbe() {
    RunResult r = run("""
        name: bind-twice
        machine: { cpus: 2 }
        devices: [ { id: nic0, type: nic, msix: { table: 2 }, queues: 2 } ]
        drivers: [ { device: nic0, vectors: { min: 2, max: 2, kind: msix } } ]
        timeline:
          - { at: 0ms, traffic: { device: nic0, queues: all, rate: 10k/s, for: 4ms } }
          - { at: 1ms, bind: { device: nic0 } }
          - { at: 2ms, unbind: { device: nic0 } }
          - { at: 2.5ms, unbind: { device: nic0 } }
          - { at: 3ms, bind: { device: nic0 } }
          - { at: 3.5ms, bind: { device: nic0 } }
        """);
    assertThat(r.actions()).containsSubsequence(
        "1ms bind nic0: FAILED: EBUSY (Device or resource busy)",
        "2ms unbind nic0: OK",
        "2.5ms unbind nic0: FAILED: ENODEV (No such device)",
        "3ms bind nic0: OK",
        "3.5ms bind nic0: FAILED: EBUSY (Device or resource busy)");
    assertThat(r.failedExpectations()).isEmpty();
    assertThat(r.ok()).isTrue();
  }
}
