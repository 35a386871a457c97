package irqlab.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** machine.remapping, machine.allow-unsafe-interrupts, driver: vfio and spoof-msi as parsed. */
class RemappingKeysTest {
  @Test
  void everyRemappingKeyIsKeptWithItsLocation() {
    Scenario s = TestResources.good("remapping.yaml");
    MachineSpec m = s.machine();
    assertThat(m.remapping()).isEqualTo("intel");
    assertThat(m.remappingEnabled()).isTrue();
    assertThat(m.allowUnsafeInterrupts()).isTrue();
    assertThat(m.allowUnsafeInterruptsLoc()).isEqualTo(new Loc("remapping.yaml", 6, 28));
    assertThat(s.driverFor("nic0").orElseThrow().driver()).isEqualTo("vfio");
    assertThat(s.timeline().get(0).action()).isEqualTo(new Action.SpoofMsi("nic0", 0xfee00058L, 0));
  }

  @Test
  void allowUnsafeInterruptsDefaultsToFalseAtTheMachine() {
    MachineSpec m = TestResources.good("defaults.yaml").machine();
    assertThat(m.allowUnsafeInterrupts()).isFalse();
    assertThat(m.allowUnsafeInterruptsLoc()).isEqualTo(m.loc());
  }

  @Test
  void theOlderConstructorLeavesTheSwitchOff() {
    MachineSpec full = TestResources.good("remapping.yaml").machine();
    MachineSpec old = new MachineSpec(full.cpus(), full.remapping(), full.variants(), full.msixDynamic(),
        full.loc(), full.cpusLoc(), full.remappingLoc(), full.variantLocs(), full.msixDynamicLoc());
    assertThat(old.allowUnsafeInterrupts()).isFalse();
    assertThat(old.allowUnsafeInterruptsLoc()).isEqualTo(full.loc());
  }
}
