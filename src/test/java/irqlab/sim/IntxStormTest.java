package irqlab.sim;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.scenario.ScenarioParser;
import irqlab.sim.run.RunBudget;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A {@code storm} on an INTx line, for every Linux device type that can end up on one: the stuck
 * source holds the level line up and the IO-APIC sends it again after each EOI, so the handlers
 * run back to back. Each INTx handler in 6.12 disowns an interrupt its device has no cause for:
 * vp_interrupt reads the ISR (clearing it) and returns IRQ_NONE on 0
 * (drivers/virtio/virtio_pci_common.c), e1000_intr on an ICR without INT_ASSERTED
 * (drivers/net/ethernet/intel/e1000e/netdev.c), ahci_single_level_irq_intr on an empty
 * HOST_IRQ_STAT (drivers/ata/libahci.c), nvme_irq when the CQ has nothing
 * (drivers/nvme/host/pci.c). So note_interrupt (kernel/irq/spurious.c), which counts only from
 * the first unhandled interrupt on, disables the line after 100,000 counted with more than 99,900
 * unhandled, and the run ends.
 */
class IntxStormTest {
  private static final String SCENARIO = """
      name: intx-storm
      machine: { cpus: 2, chipset: q35 }
      devices:
        - { id: d0, bdf: "0000:00:01.0", type: TYPE }
      drivers:
        - { device: d0, vectors: { kind: intx } }
      timeline:
        - at: 0ms
          link-up: { device: d0 }
        - at: 1ms
          storm: { device: d0, queue: 0, rate: 1k/s, for: 2ms }
      expect:
        state: { d0/intx/0: { spurious-disabled: true, depth: 1, disabled: true } }
      """;

  /**
   * {@code claimed}: handler runs claimed before the stuck ones: virtio-net's first (the storm's
   * raise set the ISR, so vp_interrupt returns IRQ_HANDLED once, though no queue has work) and
   * e1000e's link status interrupt at link-up; ahci and nvme have nothing before the storm.
   * q35 slot 1, INTA: GSI 21.
   */
  @ParameterizedTest
  @CsvSource({"virtio-net, 1, virtio0", "e1000e, 1, eth0", "ahci, 0, ahci[0000:00:01.0]",
      "nvme, 0, 'nvme0q0, nvme0q1'"})
  void aStormOnAnIntxLineIsDisabledAfterOneWindowOfUnhandledInterrupts(String type, long claimed, String action) {
    String yaml = SCENARIO.replace("TYPE", type);
    if (!type.equals("virtio-net") && !type.equals("e1000e")) {
      yaml = yaml.replace("  - at: 0ms\n    link-up: { device: d0 }\n", "");
    }
    if (type.equals("virtio-net")) {
      yaml = yaml.replace("{ device: d0, vectors: { kind: intx } }", "{ device: d0 }"); // no msix: INTx
    }
    RunResult r = Simulation.run(ScenarioParser.parse("t.yaml", yaml), 1, new RunBudget(2_000_000, 0), null, m -> {});
    assertThat(r.stopped()).as("the storm ends").isNull();
    assertThat(r.ok()).as(r.failedExpectations().toString()).isTrue();
    assertThat(r.violations()).isEmpty();
    RunResult.IrqStat line = r.irqs().stream().filter(s -> s.name().equals("d0/intx/0")).findFirst().orElseThrow();
    assertThat(line.irq()).isEqualTo(21);
    assertThat(line.action()).isEqualTo(action);
    assertThat(line.spuriousTotal()).isEqualTo(100_000);
    assertThat(line.deliveredTotal()).isEqualTo(100_000 + claimed);
    assertThat(r.dmesg()).extracting(l -> l.text()).containsSubsequence(
        "irq 21: nobody cared (try booting with the \"irqpoll\" option)", "handlers:",
        "[<(ptrval)>] " + action.split(", ")[0], "Disabling IRQ #21");
  }

  @ParameterizedTest
  @CsvSource({"net0, 'virtio0, eth1'", "nic0, 'virtio0, eth1'"})
  void aStormOnEitherDeviceOfASharedLineDisablesItForBoth(String stuck, String action) {
    // q35: slots 1 and 5 (INTA) are both on GSI 21; the virtio-net registers eth0 first. The
    // e1000e's link status interrupt and, for a virtio-net storm, the virtio ISR set by its raise
    // are the claimed runs.
    String yaml = """
        name: shared-storm
        machine: { cpus: 2, chipset: q35 }
        devices:
          - { id: net0, bdf: "0000:00:01.0", type: virtio-net }
          - { id: nic0, bdf: "0000:00:05.0", type: e1000e }
        drivers:
          - { device: net0 }
          - { device: nic0, vectors: { kind: intx } }
        timeline:
          - at: 0ms
            link-up: { device: nic0 }
          - at: 1ms
            storm: { device: STUCK, queue: 0, rate: 1k/s, for: 2ms }
        """.replace("STUCK", stuck);
    RunResult r = Simulation.run(ScenarioParser.parse("t.yaml", yaml), 1, new RunBudget(2_000_000, 0), null, m -> {});
    assertThat(r.stopped()).isNull();
    assertThat(r.violations()).isEmpty();
    long claimed = stuck.equals("net0") ? 2 : 1;
    for (String name : new String[] {"net0/intx/0", "nic0/intx/0"}) {
      RunResult.IrqStat line = r.irqs().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
      assertThat(line.irq()).isEqualTo(21);
      assertThat(line.action()).isEqualTo(action);
      assertThat(line.spuriousTotal()).isEqualTo(100_000);
      assertThat(line.deliveredTotal()).isEqualTo(100_000 + claimed);
    }
    assertThat(r.dmesg()).extracting(l -> l.text()).containsSubsequence("irq 21: nobody cared"
        + " (try booting with the \"irqpoll\" option)", "[<(ptrval)>] virtio0", "[<(ptrval)>] eth1", "Disabling IRQ #21");
  }
}
