package irqlab.kernel.pci;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.scenario.ScenarioParser;
import irqlab.sim.RunResult;
import irqlab.sim.Simulation;
import irqlab.sim.TestMachines;
import org.junit.jupiter.api.Test;

/** Dynamic MSI-X allocation after enable (pci_msix_alloc_irq_at / pci_msix_free_irq). */
class DynamicMsixTest {
  private static String scenario(boolean dynamic) {
    return """
        name: grow
        machine: { cpus: 2, msix-dynamic: %s }
        devices: [ { id: nic0, type: nic, msix: { table: 8 }, queues: 4 } ]
        drivers: [ { device: nic0, vectors: { min: 1, max: 2, kind: msix, affinity: none } } ]
        timeline:
          - { at: 0ms, traffic: { device: nic0, rate: 50k/s, for: 6ms } }
          - { at: 1ms, msix-alloc: { device: nic0, index: any } }
          - { at: 2ms, msix-alloc: { device: nic0, index: 3 } }
          - { at: 4ms, msix-free: { irq: nic0/msix/0 } }
        """.formatted(dynamic);
  }

  @Test
  void vectorsGrowAndShrinkWhileTheOthersKeepFiring() {
    RunResult r = Simulation.run(ScenarioParser.parse("grow.yaml", scenario(true)), 1);
    assertThat(r.violations()).isEmpty();
    assertThat(r.actions()).anyMatch(a -> a.contains("msix-alloc nic0 index any: OK; index 2"));
    assertThat(r.actions()).anyMatch(a -> a.contains("msix-alloc nic0 index 3: OK; index 3"));
    assertThat(r.actions()).anyMatch(a -> a.contains("msix-free nic0/msix/0") && a.contains("OK; 3 vectors"));
    // The freed vector keeps its row and its counts, in its place.
    assertThat(r.irqs()).extracting(RunResult.IrqStat::name)
        .containsExactly("nic0/msix/0", "nic0/msix/1", "nic0/msix/2", "nic0/msix/3");
    assertThat(r.irqs()).extracting(RunResult.IrqStat::freed).containsExactly(true, false, false, false);
    assertThat(r.irqs().get(0).deliveredTotal()).isPositive();
    // The new vectors took over queues 2 and 3 and handled their work.
    assertThat(r.irqs().get(2).deliveredTotal()).isPositive();
    assertThat(r.irqs().get(3).deliveredTotal()).isPositive();
    assertThat(r.devices().get(0).outstanding()).isZero();
  }

  @Test
  void withoutParentSupportDynamicAllocationIsEnotsupp() {
    RunResult r = Simulation.run(ScenarioParser.parse("grow.yaml", scenario(false)), 1);
    assertThat(r.actions()).anyMatch(a -> a.contains("msix-alloc nic0 index any: FAILED: ENOTSUPP"));
    assertThat(r.violations()).isEmpty();
  }

  @Test
  void allocationWithMsixOffIsEnotsupp() {
    var m = TestMachines.boot(TestMachines.nic(2, 1, "none", null), 1);
    PciDev dev = m.binding("nic0").pci();
    var k = m.kernel();
    Throwable[] err = new Throwable[1];
    k.exec().schedule(irqlab.exec.Event.of(k.exec().newActor("t", irqlab.exec.Actor.Kind.TASK, 0), () -> {
      m.binding("nic0").driver().remove();
      assertThat(dev.msixEnabled()).isFalse();
      assertThat(k.pciMsi().msixCanAllocDyn(dev)).isTrue();
      try {
        k.pciMsi().msixAllocIrqAt(dev, 0, null);
      } catch (RuntimeException e) {
        err[0] = e;
      }
    }), 0);
    TestMachines.rt(m).runToQuiescence();
    assertThat(err[0]).isInstanceOfSatisfying(irqlab.kernel.KernelException.class,
        e -> assertThat(e.errno()).isEqualTo(irqlab.kernel.Errno.ENOTSUPP));
  }

  /**
   * kernel/irq/msi.c msi_insert_desc, reached through drivers/pci/msi/api.c pci_msix_alloc_irq_at:
   * an explicit index at or beyond the table is ERANGE, a run-time error of the driver's call and
   * not bad input; MSI_ANY_INDEX on a full table is xa_alloc's EBUSY.
   */
  @Test
  void anIndexBeyondTheTableIsErangeAndAFullTableIsEbusy() {
    RunResult r = Simulation.run(ScenarioParser.parse("full.yaml", """
        name: full
        machine: { cpus: 2 }
        devices: [ { id: nic0, type: nic, msix: { table: 2 }, queues: 2 } ]
        drivers: [ { device: nic0, vectors: { min: 1, max: 1, kind: msix, affinity: none } } ]
        timeline:
          - { at: 1ms, msix-alloc: { device: nic0, index: 2 } }
          - { at: 1ms, msix-alloc: { device: nic0, index: 70000 } }
          - { at: 2ms, msix-alloc: { device: nic0, index: any } }
          - { at: 3ms, msix-alloc: { device: nic0, index: any } }
        """), 1);
    assertThat(r.actions()).containsSubsequence(
        "1ms msix-alloc nic0 index 2: FAILED: ERANGE (Numerical result out of range)",
        "1ms msix-alloc nic0 index 70000: FAILED: ERANGE (Numerical result out of range)",
        "2ms msix-alloc nic0 index any: OK; index 1 irq 25",
        "3ms msix-alloc nic0 index any: FAILED: EBUSY (Device or resource busy)");
    assertThat(r.violations()).isEmpty();
  }
}
