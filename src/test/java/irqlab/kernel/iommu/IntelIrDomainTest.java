package irqlab.kernel.iommu;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.exec.Actor;
import irqlab.exec.Event;
import irqlab.hw.devices.QueueDevice;
import irqlab.hw.iommu.Irte;
import irqlab.hw.iommu.RemappableFormat;
import irqlab.kernel.Kernel;
import irqlab.kernel.KernelLog;
import irqlab.kernel.domain.BusToken;
import irqlab.kernel.domain.IrqDomain;
import irqlab.kernel.irq.IrqData;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.irq.IrqdState;
import irqlab.kernel.msi.MsiDomainTemplate;
import irqlab.kernel.x86.ApicChipData;
import irqlab.kernel.x86.VectorDomain;
import irqlab.sim.Machine;
import irqlab.sim.TestMachines;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The INTEL-IR domain in a booted kernel: names, table entries, affinity, teardown, fault logging. */
class IntelIrDomainTest {
  private static final int NIC_RID = 0x18; // 00:03.0

  private static String yaml(String affinity, String timeline) {
    return "name: ir-test\n"
        + "machine: { cpus: 4, remapping: intel }\n"
        + "devices:\n"
        + "  - { id: nic0, bdf: \"0000:00:03.0\", type: nic, msix: { table: 4 }, queues: 2 }\n"
        + "drivers:\n"
        + "  - { device: nic0, vectors: { min: 2, max: 2, kind: msix, affinity: " + affinity + " } }\n"
        + (timeline == null ? "" : "timeline:\n" + timeline);
  }

  private static IrqDesc desc(Machine m, String name) {
    return m.kernel().descs().get(m.interruptNames().get(name));
  }

  private static IrqData irLevel(Machine m, IrqDesc d) {
    return d.data().levelIn(m.kernel().intelIommu().irDomain().domain());
  }

  private static Irte tableEntry(Machine m, IrqDesc d) {
    IntelIrData data = (IntelIrData) irLevel(m, d).chipData();
    return m.kernel().intelIommu().irDomain().peekTableEntry(data.entryIndex());
  }

  private static void complete(Machine m, int queue, long at) {
    QueueDevice dev = m.binding("nic0").device();
    Actor a = m.exec().newActor("nic0-test", Actor.Kind.DEVICE, -1);
    m.exec().schedule(Event.of(a, () -> dev.complete(queue)), at);
  }

  @Test
  void domainsChipsAndIrqNumbersAreNamedAsLinuxNamesThem() {
    Machine m = TestMachines.boot(yaml("none", null), 1);
    Kernel k = m.kernel();
    IrqDomain ir = k.intelIommu().irDomain().domain();
    assertThat(ir.name()).isEqualTo("INTEL-IR-0");
    assertThat(ir.debugfsName()).isEqualTo("INTEL-IR-0-13");
    assertThat(ir.busToken()).isEqualTo(BusToken.DMAR);
    assertThat(ir.flags()).isEqualTo(0x123); // reference irq_domains/INTEL-IR-0-13
    assertThat(ir.revmapSize()).isEqualTo(65536);
    assertThat(ir.parent()).isSameAs(k.vectorDomain().domain());
    assertThat(k.msiParent().prefix()).isEqualTo("IR-");
    assertThat(k.msiParent().supportedFlags() & MsiDomainTemplate.FLAG_MULTI_PCI_MSI).isNotZero();
    assertThat(k.msiParent().supportedFlags() & MsiDomainTemplate.FLAG_PCI_IMS).isNotZero();
    assertThat(k.msiParent().supportsBus(BusToken.PCI_DEVICE_IMS)).isTrue();

    // The fault interrupt comes first, as dmar0 is irq 24 on the reference machine.
    IrqDesc dmar = k.descs().get(24);
    assertThat(dmar.action().name()).isEqualTo("dmar0");
    assertThat(dmar.chip().name()).isEqualTo("DMAR-MSI");
    assertThat(dmar.data().domain().debugfsName()).isEqualTo("DMAR-MSI");
    assertThat(dmar.data().domain().flags()).isEqualTo(0x13);
    assertThat(dmar.chip().flags()).isEqualTo(0x410);
    assertThat(dmar.node()).isEqualTo(-1);
    assertThat(k.intelIommu().irq()).isEqualTo(24);

    IrqDesc v0 = desc(m, "nic0/msix/0");
    IrqDesc v1 = desc(m, "nic0/msix/1");
    assertThat(v0.irq()).isEqualTo(25);
    assertThat(v0.chip().name()).isEqualTo("IR-PCI-MSIX-0000:00:03.0");
    assertThat(v0.data().domain().debugfsName()).isEqualTo("IR-PCI-MSIX-0000:00:03.0-12");
    assertThat(v0.data().parent().chip().name()).isEqualTo("INTEL-IR");
    assertThat(v0.data().parent().chip().flags()).isZero();
    // hwirq is the entry index shifted by 16, plus the subhandle.
    int i0 = ((IntelIrData) irLevel(m, v0).chipData()).irteIndex();
    int i1 = ((IntelIrData) irLevel(m, v1).chipData()).irteIndex();
    assertThat(irLevel(m, v0).hwirq()).isEqualTo((long) i0 << 16);
    assertThat(irLevel(m, v1).hwirq()).isEqualTo((long) i1 << 16);
    assertThat(i1).isEqualTo(i0 + 1);
    // IRQ_MOVE_PCNTXT: status 0x00004000 and IRQD_MOVE_PCNTXT, as the reference dumps show.
    assertThat(v0.status()).isEqualTo(0x4000);
    assertThat(v0.data().is(IrqdState.MOVE_PCNTXT)).isTrue();
    assertThat(k.log().lines()).extracting(KernelLog.Line::text)
        .contains("DMAR-IR: Enabled IRQ remapping in xapic mode");
  }

  @Test
  void dynamicMsixFollowsTheMachineOptionUnderRemappingToo() {
    Machine on = TestMachines.boot(yaml("none", "  - { at: 1ms, msix-alloc: { device: nic0 } }\n"), 1);
    Machine off = TestMachines.boot(yaml("none", "  - { at: 1ms, msix-alloc: { device: nic0 } }\n")
        .replace("remapping: intel", "remapping: intel, msix-dynamic: false"), 1);
    assertThat(on.kernel().msiParent().supportedFlags() & MsiDomainTemplate.FLAG_PCI_MSIX_ALLOC_DYN).isNotZero();
    assertThat(off.kernel().msiParent().supportedFlags() & MsiDomainTemplate.FLAG_PCI_MSIX_ALLOC_DYN).isZero();
    TestMachines.rt(on).runToQuiescence();
    TestMachines.rt(off).runToQuiescence();
    assertThat(on.actionLog()).anyMatch(l -> l.contains("msix-alloc nic0 index any: OK; index 2"));
    assertThat(off.actionLog()).anyMatch(l -> l.contains("msix-alloc nic0 index any: FAILED: ENOTSUPP"));
    // The vector added after enable got its own entry, with the device's source id.
    IrqDesc added = desc(on, "nic0/msix/2");
    assertThat(tableEntry(on, added).present()).isTrue();
    assertThat(tableEntry(on, added).sid()).isEqualTo(NIC_RID);
  }

  @Test
  void activationWritesTheEntryAndTheDeviceHoldsOnlyAHandle() {
    Machine m = TestMachines.boot(yaml("none", null), 1);
    QueueDevice fn = m.binding("nic0").device();
    for (int v = 0; v < 2; v++) {
      IrqDesc d = desc(m, "nic0/msix/" + v);
      IntelIrData data = (IntelIrData) irLevel(m, d).chipData();
      ApicChipData a = VectorDomain.apicChipData(d.data());
      Irte e = tableEntry(m, d);
      assertThat(e.present()).isTrue();
      assertThat(e.vector()).isEqualTo(a.vector());
      assertThat(e.xapicDestination()).isEqualTo(a.cfgDestApicId());
      assertThat(e.redirHint()).isTrue();
      assertThat(e.svt()).isEqualTo(Irte.SVT_VERIFY_SID_SQ);
      assertThat(e.sq()).isEqualTo(Irte.SQ_ALL_16);
      assertThat(e.sid()).isEqualTo(NIC_RID);
      assertThat(fn.entryAddress(v)).isEqualTo(RemappableFormat.addressLo(data.irteIndex(), true) & 0xffffffffL);
      assertThat(fn.entryData(v)).isZero();
      assertThat(data.entryIndex()).isEqualTo(data.irteIndex());
    }
  }

  @Test
  void affinityWriteRewritesOnlyTheEntryAndTheOldVectorGoesAtTheNextTick() {
    Machine m = TestMachines.boot(yaml("[0]", "  - { at: 1ms, set-affinity: { irq: nic0/msix/0, cpus: [2] } }\n"), 1);
    QueueDevice fn = m.binding("nic0").device();
    IrqDesc d = desc(m, "nic0/msix/0");
    ApicChipData a = VectorDomain.apicChipData(d.data());
    long address = fn.entryAddress(0);
    int data = fn.entryData(0);
    int oldVector = a.vector();
    int oldCpu = a.cpu();
    assertThat(oldCpu).isZero();

    TestMachines.rt(m).runUntil(1_000_000);
    assertThat(m.actionLog()).anyMatch(l -> l.contains("OK; now smp=2 eff=2") && !l.contains("pending"));
    assertThat(d.pendingMask().isEmpty()).isTrue();
    assertThat(d.data().is(IrqdState.SETAFFINITY_PENDING)).isFalse();
    assertThat(fn.entryAddress(0)).as("the device's entry is not rewritten").isEqualTo(address);
    assertThat(fn.entryData(0)).isEqualTo(data);
    assertThat(fn.entryMasked(0)).isFalse();
    Irte e = tableEntry(m, d);
    assertThat(e.xapicDestination()).isEqualTo(2);
    assertThat(e.vector()).isEqualTo(a.vector());
    assertThat(a.cpu()).isEqualTo(2);
    // vector_schedule_cleanup: queued on the old CPU right away, not after a first interrupt.
    assertThat(a.moveInProgress()).isFalse();
    assertThat(a.cleanupPending()).isTrue();
    assertThat(a.prevVector()).isEqualTo(oldVector);
    assertThat(m.kernel().vectorDomain().vectorIrq(oldCpu, oldVector)).isSameAs(d);

    TestMachines.rt(m).runUntil(Kernel.JIFFY_NS);
    assertThat(d.totalCount()).as("no interrupt was needed").isZero();
    assertThat(a.cleanupPending()).isFalse();
    assertThat(a.prevVector()).isZero();
    assertThat(m.kernel().vectorDomain().vectorIrq(oldCpu, oldVector)).isNull();

    complete(m, 0, 5_000_000);
    TestMachines.rt(m).runToQuiescence();
    assertThat(d.count(2)).isEqualTo(1);
    m.checkQuiescent();
    assertThat(m.oracle().violations()).isEmpty();
  }

  @Test
  void aSecondWriteBeforeTheCleanupBecomesAPendingMoveForTheNextInterrupt() {
    Machine m = TestMachines.boot(yaml("[0]", "  - { at: 1ms, set-affinity: { irq: nic0/msix/0, cpus: [2] } }\n"
        + "  - { at: 2ms, set-affinity: { irq: nic0/msix/0, cpus: [3] } }\n"), 1);
    IrqDesc d = desc(m, "nic0/msix/0");
    TestMachines.rt(m).runUntil(2_000_000);
    // irq_try_set_affinity: EBUSY from the vector layer turns into a pending move, not an error.
    assertThat(m.actionLog().get(m.actionLog().size() - 1)).contains("OK; now smp=2 eff=2 pending=3");
    assertThat(d.data().is(IrqdState.SETAFFINITY_PENDING)).isTrue();
    complete(m, 0, 5_000_000);
    TestMachines.rt(m).runToQuiescence();
    assertThat(d.count(2)).as("the interrupt still arrives at CPU 2").isEqualTo(1);
    assertThat(d.effectiveAffinity().toList()).isEqualTo("3");
    assertThat(d.pendingMask().isEmpty()).isTrue();
    assertThat(tableEntry(m, d).xapicDestination()).isEqualTo(3);
    m.checkQuiescent();
    assertThat(m.oracle().violations()).isEmpty();
  }

  @Test
  void unbindClearsAndReleasesTheEntries() {
    Machine m = TestMachines.boot(yaml("none", "  - { at: 1ms, unbind: { device: nic0 } }\n"), 1);
    IntelIrDomain ir = m.kernel().intelIommu().irDomain();
    int index = ((IntelIrData) irLevel(m, desc(m, "nic0/msix/0")).chipData()).irteIndex();
    assertThat(ir.entriesAllocated()).isEqualTo(2);
    TestMachines.rt(m).runToQuiescence();
    assertThat(ir.entriesAllocated()).isZero();
    assertThat(ir.peekTableWords(index)).containsExactly(0L, 0L);
    assertThat(ir.peekTableWords(index + 1)).containsExactly(0L, 0L);
    assertThat(ir.domain().mapped()).isZero();
  }

  @Test
  void dmarFaultLogsEachFaultAsTheKernelDoesWithinItsRateLimit() {
    StringBuilder t = new StringBuilder();
    for (int i = 1; i <= 5; i++) {
      t.append("  - { at: ").append(i).append("ms, spoof-msi: { device: nic0, address: 0xfee01000, data: 0x41 } }\n");
    }
    t.append("  - { at: 6s, spoof-msi: { device: nic0, address: 0xfee00c98, data: 0 } }\n");
    Machine m = TestMachines.boot(yaml("none", t.toString()), 1);
    TestMachines.rt(m).runToQuiescence();
    List<String> log = m.kernel().log().lines().stream().map(KernelLog.Line::text).toList();
    String status = "DMAR: DRHD: handling fault status reg 2";
    String compat = "DMAR: [INTR-REMAP] Request device [00:03.0] fault index 0x0 [fault reason 0x25]"
        + " Blocked a compatibility format interrupt request";
    assertThat(log.subList(1, 3)).containsExactly(status, compat);
    // Ten passes per five seconds, three per fault (status, the record, the empty next record):
    // three faults are logged in full, the fourth only its status, the fifth not at all.
    assertThat(log.stream().filter(compat::equals).count()).isEqualTo(3);
    assertThat(log.stream().filter(status::equals).count()).isEqualTo(4 + 1);
    assertThat(log).contains("dmar_fault: 5 callbacks suppressed");
    assertThat(log.get(log.size() - 1)).isEqualTo("DMAR: [INTR-REMAP] Request device [00:03.0] fault index 0x64"
        + " [fault reason 0x22] Present field in the IRTE entry is clear");
    assertThat(m.oracle().violations()).isEmpty();
    assertThat(m.oracle().blockedSpoofs()).hasSize(6);
  }

  @Test
  void multiMessageMsiGetsAnAlignedBlockAndOneSubhandlePerVector() {
    String y = "name: ir-msi\n"
        + "machine: { cpus: 4, remapping: intel }\n"
        + "devices:\n"
        + "  - { id: nic1, bdf: \"0000:00:04.0\", type: nic, msix: { table: 1 }, queues: 1 }\n"
        + "  - { id: nic0, bdf: \"0000:00:05.0\", type: nic, msi: { vectors: 4, maskable: true }, queues: 4 }\n"
        + "drivers:\n"
        + "  - { device: nic1, vectors: { min: 1, max: 1, kind: msix } }\n"
        + "  - { device: nic0, vectors: { min: 1, max: 4, kind: msi } }\n";
    Machine m = TestMachines.boot(y, 1);
    assertThat(m.actionLog()).contains("0ns probe nic0: 4 MSI vectors");
    int first = -1;
    for (int v = 0; v < 4; v++) {
      IrqDesc d = desc(m, "nic0/msi/" + v);
      IntelIrData data = (IntelIrData) irLevel(m, d).chipData();
      if (v == 0) {
        first = data.irteIndex();
      }
      assertThat(data.irteIndex()).isEqualTo(first);
      assertThat(data.subHandle()).isEqualTo(v);
      assertThat(data.irteMask()).isEqualTo(2);
      assertThat(irLevel(m, d).hwirq()).isEqualTo(((long) first << 16) + v);
      assertThat(tableEntry(m, d).vector()).isEqualTo(VectorDomain.apicChipData(d.data()).vector());
    }
    // nic1 (00:04.0) probes first, bus order, and its single entry takes index 0, so the block of
    // four starts at the next aligned index.
    assertThat(first).isEqualTo(4);
  }
}
