package irqlab.sim;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.report.RunReport;
import irqlab.scenario.ScenarioParser;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The verdict and the action log say what the kernel said: a probe that failed fails the run
 * unless the scenario expects it, a call the kernel WARNs about is not "OK", and interrupts freed
 * during the run keep their rows and counts.
 */
class HonestOutcomesTest {
  private static RunResult run(String yaml) {
    return Simulation.run(ScenarioParser.parse("t.yaml", yaml), 1);
  }

  /** IMS without remapping: pci_create_ims_domain has no parent that offers it. */
  private static final String ACCELERATOR = """
      name: acc
      machine: { cpus: 2 }
      devices: [ { id: acc0, type: accelerator, msix: { table: 1 }, ims: { storage: device, slots: 8 }, queues: 2 } ]
      drivers: [ { device: acc0, vectors: { max: 2, kind: ims } } ]
      """;

  @Test
  void aFailedProbeFailsTheRunAndSaysSo() {
    RunResult r = run(ACCELERATOR);
    assertThat(r.ok()).isFalse();
    assertThat(r.actions()).containsExactly("0ns probe acc0: FAILED: ENOTSUPP (Unknown error 524)");
    assertThat(r.failedExpectations())
        .containsExactly("probe acc0: failed with ENOTSUPP (Unknown error 524), not expected (expect.probe)");
    assertThat(r.verdict()).isEqualTo("FAILED (probe acc0 failed with ENOTSUPP)");
    assertThat(RunReport.text(r)).startsWith("irqlab run: acc ").contains("-> FAILED (probe acc0 failed with ENOTSUPP)\n")
        .contains("\nResult: FAILED (probe acc0 failed with ENOTSUPP)\n");
  }

  @Test
  void anExpectedProbeFailurePassesAndAnExpectedOneThatDoesNotComeFails() {
    assertThat(run(ACCELERATOR + "expect: { probe: { acc0: ENOTSUPP } }\n").ok()).isTrue();
    RunResult wrong = run(ACCELERATOR + "expect: { probe: { acc0: ENOSPC } }\n");
    assertThat(wrong.failedExpectations())
        .containsExactly("probe acc0: failed with ENOTSUPP (Unknown error 524), expected ENOSPC");
    RunResult fine = run(ACCELERATOR.replace("cpus: 2 }", "cpus: 2, remapping: intel }")
        + "expect: { probe: { acc0: ENOTSUPP } }\n");
    assertThat(fine.failedExpectations()).containsExactly("probe acc0: expected ENOTSUPP, got OK");
    assertThat(fine.verdict()).isEqualTo("FAILED (probe acc0 expected ENOTSUPP, got OK)");
  }

  @Test
  void aBindIsAProbeToo() {
    // vfio without remapping: vfio_iommu_type1 refuses the group (EPERM) at boot and at bind.
    String vfio = """
        name: vfio
        machine: { cpus: 2 }
        devices: [ { id: nic0, type: nic, msix: { table: 2 }, queues: 2 } ]
        drivers: [ { device: nic0, driver: vfio, vectors: { max: 2, kind: msix } } ]
        timeline:
          - { at: 1ms, bind: { device: nic0 } }
        """;
    RunResult r = run(vfio);
    assertThat(r.failedExpectations()).hasSize(2).allMatch(f -> f.startsWith("probe nic0: failed with EPERM"));
    assertThat(run(vfio + "expect: { probe: { nic0: EPERM } }\n").ok()).isTrue();
  }

  @Test
  void callsTheKernelWarnsAboutAreLoggedAsItsWarn() {
    RunResult r = run("""
        name: warn
        machine: { cpus: 2 }
        devices: [ { id: nic0, type: nic, msix: { table: 2 }, queues: 2 } ]
        drivers: [ { device: nic0, vectors: { max: 2, kind: msix } } ]
        timeline:
          - { at: 1ms, free-irq: { irq: nic0/msix/1 } }
          - { at: 2ms, free-irq: { irq: nic0/msix/1 } }
          - { at: 3ms, enable-irq: { irq: nic0/msix/0 } }
          - { at: 4ms, disable-irq: { irq: nic0/msix/0 } }
          - { at: 5ms, enable-irq: { irq: nic0/msix/0 } }
        """);
    // kernel/irq/manage.c: __free_irq's WARN(1, "Trying to free already-free IRQ %d"),
    // __enable_irq's WARN(1, "Unbalanced enable for IRQ %d") at depth 0.
    assertThat(r.actions()).containsExactly(
        "0ns probe nic0: 2 MSI-X vectors",
        "1ms free-irq nic0/msix/1 (irq 25): OK; depth=1",
        "2ms free-irq nic0/msix/1 (irq 25): WARN: Trying to free already-free IRQ 25; depth=1",
        "3ms enable-irq nic0/msix/0 (irq 24): WARN: Unbalanced enable for IRQ 24; depth=0",
        "4ms disable-irq nic0/msix/0 (irq 24): OK; depth=1",
        "5ms enable-irq nic0/msix/0 (irq 24): OK; depth=0");
    assertThat(r.ok()).as("the kernel carries on; WARNs do not fail the run").isTrue();
  }

  private static final String FREEING = """
      name: freeing
      machine: { cpus: 2 }
      devices:
        - { id: nic0, type: nic, msix: { table: 4 }, queues: 4 }
        - { id: nic1, type: nic, msix: { table: 2 }, queues: 2 }
      drivers:
        - { device: nic0, vectors: { max: 4, kind: msix } }
        - { device: nic1, vectors: { max: 2, kind: msix } }
      timeline:
        - { at: 0ms, traffic: { device: nic0, rate: 100k/s, for: 4ms } }
        - { at: 0ms, traffic: { device: nic1, rate: 100k/s, for: 4ms } }
        - { at: 2ms, msix-free: { irq: nic0/msix/3 } }
      """;

  @Test
  void aFreedVectorKeepsItsRowAndEveryCompletionIsCounted() {
    RunResult r = run(FREEING);
    assertThat(r.ok()).as(r.failedExpectations().toString()).isTrue();
    assertThat(r.irqs().stream().map(RunResult.IrqStat::name).toList())
        .containsExactly("nic0/msix/0", "nic0/msix/1", "nic0/msix/2", "nic0/msix/3", "nic1/msix/0", "nic1/msix/1");
    RunResult.IrqStat freed = r.irqs().get(3);
    assertThat(freed.freed()).isTrue();
    assertThat(freed.irq()).isEqualTo(27);
    assertThat(freed.deliveredTotal()).isPositive();
    // Every completion was consumed by one handler run (each handler drains its queues).
    for (RunResult.DeviceStat d : r.devices()) {
      long handled = r.irqs().stream().filter(s -> s.name().startsWith(d.id() + "/"))
          .mapToLong(RunResult.IrqStat::deliveredTotal).sum();
      assertThat(d.outstanding()).isZero();
      assertThat(handled).as(d.id()).isLessThanOrEqualTo(d.completed()).isGreaterThan(d.completed() * 9 / 10);
    }
    assertThat(RunReport.text(r)).contains("nic0/msix/3   27  (freed)");
  }

  @Test
  void anUnboundDeviceKeepsItsRowsWhereTheyWere() {
    RunResult r = run(FREEING + "  - { at: 3ms, unbind: { device: nic0 } }\n");
    List<String> names = r.irqs().stream().map(RunResult.IrqStat::name).toList();
    assertThat(names).containsExactly("nic0/msix/0", "nic0/msix/1", "nic0/msix/2", "nic0/msix/3", "nic1/msix/0",
        "nic1/msix/1");
    assertThat(r.irqs().subList(0, 4)).allMatch(RunResult.IrqStat::freed);
    assertThat(r.irqs().subList(4, 6)).noneMatch(RunResult.IrqStat::freed);
    RunResult rebound = run(FREEING + "  - { at: 3ms, unbind: { device: nic0 } }\n"
        + "  - { at: 3500us, bind: { device: nic0 } }\n");
    // Bound again: the rows add up both incarnations and are live again.
    assertThat(rebound.irqs().subList(0, 4)).noneMatch(RunResult.IrqStat::freed);
    assertThat(rebound.irqs().get(0).deliveredTotal()).isGreaterThan(r.irqs().get(0).deliveredTotal());
  }
}
