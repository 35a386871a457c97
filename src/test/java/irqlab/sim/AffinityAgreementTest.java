package irqlab.sim;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.exec.Actor;
import irqlab.exec.Event;
import irqlab.hw.MsiMessage;
import irqlab.hw.pci.MsiCapability;
import irqlab.hw.pci.PciFunction;
import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.x86.ApicChipData;
import irqlab.kernel.x86.VectorDomain;
import irqlab.scenario.ScenarioParser;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 7 item 3: activation and startup place a line where its affinity says, and the oracle's
 * agreement invariant (effective affinity, vector target and device message agree on a started
 * line with no move in flight).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AffinityAgreementTest {
  /** A non-maskable MSI freed, given CPU 1 while deactivated, and requested again. */
  static final String FREE_SET_REQUEST = """
      name: free-set-request
      machine: { cpus: 2 }
      devices:
        - { id: disk0, type: legacy-msi, queues: 1 }
      drivers:
        - { device: disk0, vectors: { min: 1, max: 1, kind: msi } }
      timeline:
        - at: 1ms
          free-irq: { irq: disk0/msi/0 }
        - at: 2ms
          set-affinity: { irq: disk0/msi/0, cpus: [1] }
        - at: 3ms
          request-irq: { irq: disk0/msi/0 }
        - at: 4ms
          traffic: { device: disk0, queues: all, rate: 100k/s, for: 1ms }
      expect:
        violations: none
      """;

  private static Machine machineAt(String yaml, long ns) {
    return Simulation.runUntil(ScenarioParser.parse("t.yaml", yaml), 1, ns);
  }

  private static IrqDesc desc(Machine m, String name) {
    return m.kernel().descs().get(m.interruptNames().get(name));
  }

  /**
   * arch/x86/kernel/apic/vector.c x86_vector_activate: a line that neither reserves nor is managed
   * (a non-maskable MSI: activate_reserved cleared can_reserve at its first activation) gets
   * assign_irq_vector_any_locked, which moves the vector into the affinity written while the line
   * was deactivated (kernel/irq/manage.c irq_set_affinity_deactivated); msi_domain_activate then
   * writes the message for it. Everything is on CPU 1 and the device interrupts CPU 1 only.
   */
  @Test
  void freeThenAffinityWriteThenRequestPutsVectorAndMessageWhereTheAffinityIs() {
    Machine m = Simulation.build(ScenarioParser.parse("t.yaml", FREE_SET_REQUEST), 1);
    ((irqlab.sim.run.RunRuntime) m.exec()).runToQuiescence();
    m.checkQuiescent();
    assertThat(m.oracle().violations()).isEmpty();
    IrqDesc d = desc(m, "disk0/msi/0");
    ApicChipData a = VectorDomain.apicChipData(d.data());
    assertThat(d.effectiveAffinity()).isEqualTo(CpuMask.of(1));
    assertThat(a.cpu()).isEqualTo(1);
    assertThat(a.canReserve()).isFalse();
    PciFunction fn = m.binding("disk0").device();
    assertThat(MsiMessage.destination(fn.msi().address())).isEqualTo(1);
    assertThat(MsiMessage.vector(fn.msi().data())).isEqualTo(a.vector());
    assertThat(d.count(0)).isZero();
    assertThat(d.count(1)).isPositive();
  }

  /**
   * The state the model left before the fix: effective affinity CPU 1 (irq_set_affinity_deactivated
   * wrote it) while the vector and the message stayed on CPU 0, because activation returned early
   * for such a line and irq_startup never called irq_setup_affinity. The kernel never reaches it.
   */
  @Test
  void theStateTheOldActivationLeftViolatesTheInvariant() {
    Machine m = machineAt(FREE_SET_REQUEST, 500_000);
    IrqDesc d = desc(m, "disk0/msi/0");
    ApicChipData a = VectorDomain.apicChipData(d.data());
    assertThat(AffinityAgreement.checkLine(m.kernel(), d)).isNull();
    assertThat(a.cpu()).isZero();
    d.setEffectiveAffinity(CpuMask.of(1));
    assertThat(AffinityAgreement.checkLine(m.kernel(), d)).isEqualTo("irq 24 (0000:00:03.0 MSI 0): effective"
        + " affinity 1 but the vector domain targets vector " + a.vector() + " on CPU 0 (irq_cfg: vector "
        + a.vector() + ", APIC id 0)");
    m.oracle().checkAgreement(m.kernel());
    m.oracle().checkAgreement(m.kernel());
    assertThat(m.oracle().violations()).singleElement()
        .satisfies(v -> assertThat(v.kind()).isEqualTo(Violation.AFFINITY_MISMATCH));
  }

  /** A device message that names another vector than the vector domain's target is caught too. */
  @Test
  void aMessageThatDisagreesWithTheTargetIsCaught() {
    Machine m = machineAt(FREE_SET_REQUEST, 500_000);
    IrqDesc d = desc(m, "disk0/msi/0");
    ApicChipData a = VectorDomain.apicChipData(d.data());
    PciFunction fn = m.binding("disk0").device();
    int dataReg = fn.msi().base() + MsiCapability.DATA_64;
    m.exec().schedule(Event.of(m.exec().newActor("poke", Actor.Kind.DEVICE, -1),
        () -> fn.configWrite16(dataReg, a.vector() + 1)), m.exec().now());
    ((irqlab.sim.run.RunRuntime) m.exec()).runUntil(m.exec().now());
    assertThat(AffinityAgreement.checkLine(m.kernel(), d)).endsWith("but the device's message reaches vector "
        + (a.vector() + 1) + " at APIC id 0");
  }

  /**
   * An IO-APIC line is judged by its redirection entry: in agreement as booted (with and without
   * remapping), caught when the entry names another vector.
   */
  @Test
  void anIoApicEntryThatDisagreesWithTheTargetIsCaught() {
    for (String remapping : new String[] {"intel", "none"}) {
      Machine ir = machineAt("name: q\nmachine: { cpus: 2, chipset: q35, remapping: " + remapping + " }\n", 10_000_000);
      for (int irq : new int[] {0, 1, 4, 8, 9, 12}) {
        assertThat(AffinityAgreement.checkLine(ir.kernel(), ir.kernel().descs().get(irq))).as("irq %d", irq).isNull();
      }
    }
    Machine m = machineAt("name: q\nmachine: { cpus: 2, chipset: q35 }\n", 10_000_000);
    IrqDesc d = m.kernel().descs().get(9);
    ApicChipData a = VectorDomain.apicChipData(d.data());
    irqlab.hw.ioapic.IoApic io = m.chipset().ioapic();
    int pin = (int) d.data().hwirq();
    long low = io.peekEntry(pin) & 0xffffffffL;
    m.exec().schedule(Event.of(m.exec().newActor("poke", Actor.Kind.DEVICE, -1), () -> {
      io.mmioWrite32(irqlab.hw.ioapic.IoApic.IOREGSEL, irqlab.hw.ioapic.IoApic.REG_REDTBL + 2 * pin);
      io.mmioWrite32(irqlab.hw.ioapic.IoApic.IOWIN, (int) ((low & ~0xffL) | (a.vector() + 1)));
    }), m.exec().now());
    ((irqlab.sim.run.RunRuntime) m.exec()).runUntil(m.exec().now());
    assertThat(AffinityAgreement.checkLine(m.kernel(), d)).isEqualTo("irq 9 (IO-APIC pin 9): started with effective"
        + " affinity " + d.effectiveAffinity().toList() + " and vector " + a.vector() + " on CPU " + a.cpu()
        + ", but the IO-APIC's entry reaches vector " + (a.vector() + 1) + " at APIC id " + a.cpu());
  }

  /** A line whose descriptor lock is held has a move in flight: explore mode skips it. */
  @Test
  void aLineWhoseDescriptorLockIsHeldIsNotJudged() {
    Machine m = machineAt(FREE_SET_REQUEST, 500_000);
    IrqDesc d = desc(m, "disk0/msi/0");
    d.setEffectiveAffinity(CpuMask.of(1));
    m.exec().schedule(Event.of(m.exec().newActor("holder", Actor.Kind.TASK, 0), () -> {
      d.lock().lock();
      assertThat(AffinityAgreement.checkLine(m.kernel(), d)).isNull();
      d.lock().unlock();
      assertThat(AffinityAgreement.checkLine(m.kernel(), d)).isNotNull();
    }), m.exec().now());
    ((irqlab.sim.run.RunRuntime) m.exec()).runUntil(m.exec().now());
  }

  /**
   * kernel/irq/chip.c irq_startup, IRQ_STARTUP_NORMAL with IRQCHIP_AFFINITY_PRE_STARTUP (every x86
   * PCI MSI chip, arch/x86/kernel/apic/msi.c x86_init_dev_msi_info): irq_setup_affinity gives the
   * chip the online part of the line's mask, the default affinity (all CPUs) for a line without
   * IRQD_AFFINITY_SET, and irq_do_set_affinity makes that the affinity (kernel/irq/manage.c).
   */
  @Test
  void startupSetsUpTheAffinityFromTheOnlineCpus() {
    String yaml = """
        name: setup-affinity
        machine: { cpus: 4 }
        devices:
          - { id: nic0, type: nic, msix: { table: 1 }, queues: 1 }
          - { id: nic1, type: nic, msix: { table: 1 }, queues: 1 }
        drivers:
          - { device: nic0, vectors: { min: 1, max: 1, kind: msix } }
          - { device: nic1, vectors: { min: 1, max: 1, kind: msix, affinity: [2, 3] } }
        timeline:
          - at: 1ms
            free-irq: { irq: nic0/msix/0 }
          - at: 1ms
            free-irq: { irq: nic1/msix/0 }
          - at: 2ms
            cpu-offline: 3
          - at: 3ms
            request-irq: { irq: nic0/msix/0 }
          - at: 3ms
            request-irq: { irq: nic1/msix/0 }
        expect:
          violations: none
          state:
            nic0/msix/0: { affinity: "0-2", started: true }
            nic1/msix/0: { affinity: [2], effective: [2], started: true }
        """;
    RunResult r = Simulation.run(ScenarioParser.parse("t.yaml", yaml), 1);
    assertThat(r.failedExpectations()).isEmpty();
    assertThat(r.violations()).isEmpty();
  }

  /** The invariant runs after every action in explore mode too, and finds nothing in the fixed model. */
  @Test
  void exploreFindsNoDisagreementInTheFixedModel() {
    var s = ScenarioParser.parse("t.yaml", FREE_SET_REQUEST);
    Exploration.Report pct = ExploreTesting.explore(s, "delay", 1, 200, 2, 1);
    Exploration.Report rnd = ExploreTesting.explore(s, "random", 1, 200, 2, 1);
    assertThat(pct.failed()).as("%s", pct.firstFailure()).isZero();
    assertThat(rnd.failed()).as("%s", rnd.firstFailure()).isZero();
  }
}
