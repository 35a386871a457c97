package irqlab.sim;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.hw.devices.QueueDevice;
import irqlab.hw.devices.VmdDevice;
import irqlab.hw.pci.MsixCapability;
import irqlab.kernel.Errno;
import irqlab.kernel.KernelException;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.irq.IrqdState;
import irqlab.kernel.irq.ProcIrq;
import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.vmd.VmdDriver;
import irqlab.kernel.vmd.VmdIrq;
import irqlab.kernel.vmd.VmdIrqList;
import irqlab.report.DomainsView;
import irqlab.report.ProcInterrupts;
import irqlab.scenario.ScenarioParser;
import irqlab.sim.devices.VmdBinding;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * VMD as drivers/pci/controller/vmd.c (Linux 6.12) sets it up and demultiplexes: the domain, its
 * chip and names, vmd_next_irq's spread, the children's messages, handle_untracked_irq's counts,
 * enable and disable on the list, the teardown's wait, no affinity of the children's own, and
 * bypass. Expected values come from vmd.c and irqdomain.c, not from the model.
 */
class VmdTest {
  static String yaml(int cpus, String machine, String vmd, String children, String drivers, String timeline) {
    return "name: vmd-test\n"
        + "machine: { cpus: " + cpus + machine + " }\n"
        + "devices:\n  - { id: vmd0, bdf: \"0000:00:0e.0\", type: vmd" + vmd + " }\n" + children
        + "drivers:\n  - { device: vmd0 }\n" + drivers
        + (timeline == null ? "" : "timeline:\n" + timeline);
  }

  static String nvme(String id, int queues) {
    return "  - { id: " + id + ", type: nvme, behind: vmd0, queues: " + queues + " }\n";
  }

  static String drv(String id) {
    return "  - { device: " + id + " }\n";
  }

  static VmdDriver vmd(Machine m) {
    return ((VmdBinding) m.binding("vmd0")).vmdDriver();
  }

  static IrqDesc desc(Machine m, String name) {
    Integer irq = m.interruptNames().get(name);
    assertThat(irq).as("%s exists", name).isNotNull();
    return m.kernel().descs().get(irq);
  }

  @Test
  void domainChipNamesAndAddressesAreLinuxs() {
    Machine m = TestMachines.boot(yaml(4, "", ", msix: { table: 8 }", nvme("nvme0", 4), drv("nvme0"), null), 1);
    VmdDriver v = vmd(m);
    // irq_domain_alloc_named_id_fwnode("VMD-MSI", 0x10000), then the PCI_MSI (3) and VMD_MSI (10) tokens.
    assertThat(v.irqDomain().debugfsName()).isEqualTo("VMD-MSI-65536-3-10");
    assertThat(v.irqDomain().parent()).isNull();
    assertThat(v.pciDomain()).isEqualTo(0x10000);
    assertThat(m.binding("nvme0").pci().devName()).isEqualTo("10000:01:00.0");
    assertThat(m.kernel().log().lines()).anyMatch(l -> l.text().equals("vmd 0000:00:0e.0: Bound to PCI domain 10000"));
    // VMD's own vectors: its per-device MSI-X domain under VECTOR, action vmd0, not managed.
    IrqDesc v1 = desc(m, "vmd0/msix/1");
    assertThat(v1.chip().name()).isEqualTo("PCI-MSIX-0000:00:0e.0");
    assertThat(v1.action().name()).isEqualTo("vmd0");
    assertThat(v1.data().is(IrqdState.AFFINITY_MANAGED)).isFalse();
    // A child: chip VMD-MSI, hwirq = the Linux irq of its VMD vector, handle_untracked_irq.
    IrqDesc c1 = desc(m, "nvme0/msix/1");
    VmdIrq e = VmdIrq.of(c1.data());
    assertThat(c1.chip().name()).isEqualTo("VMD-MSI");
    assertThat(c1.data().hwirq()).isEqualTo(e.list().virq());
    assertThat(c1.handler().name()).isEqualTo("handle_untracked_irq");
    assertThat(c1.handlerName()).isNull();
    String domains = DomainsView.tree(m);
    assertThat(domains).contains("VMD-MSI-65536-3-10").contains("PCI-MSIX-0000:00:0e.0-12");
    m.close();
  }

  @Test
  void nvmeTakesTheLeastLoadedVectorAboveTheSharedFirstOneAndOthersShareIt() {
    String kids = nvme("nvme0", 4) + nvme("nvme1", 4)
        + "  - { id: sata, type: ahci, behind: vmd0, queues: 1 }\n"
        + "  - { id: nic0, type: nic, behind: vmd0, msix: { table: 2 }, queues: 2 }\n";
    String drivers = drv("nvme0") + drv("nvme1") + drv("sata")
        + "  - { device: nic0, vectors: { max: 2, kind: msix } }\n";
    Machine m = TestMachines.boot(yaml(4, "", ", msix: { table: 8 }", kids, drivers, null), 1);
    // vmd_next_irq: NVMe interrupts in allocation order go to the vector above 0 with the lowest
    // count, ties to the lowest index. nvme0's probe vector (admin queue alone) took vector 1 and
    // gave it back (vmd_msi_free's count--); then 10 over vectors 1..7: 1..5 | 6,7,1,2,3.
    List<Integer> got = new ArrayList<>();
    for (String d : List.of("nvme0", "nvme1")) {
      for (int q = 0; q <= 4; q++) {
        got.add(VmdIrq.of(desc(m, d + "/msix/" + q).data()).list().index());
      }
    }
    assertThat(got).containsExactly(1, 2, 3, 4, 5, 6, 7, 1, 2, 3);
    // AHCI and the NIC are no NVMe: the shared first vector, whose count vmd_next_irq leaves alone.
    assertThat(VmdIrq.of(desc(m, "sata/msi/0").data()).list().index()).isZero();
    assertThat(VmdIrq.of(desc(m, "nic0/msix/0").data()).list().index()).isZero();
    assertThat(VmdIrq.of(desc(m, "nic0/msix/1").data()).list().index()).isZero();
    assertThat(vmd(m).vectorLists().get(0).count()).isZero();
    assertThat(vmd(m).vectorLists().get(1).count()).isEqualTo(2);
    assertThat(vmd(m).vectorLists().get(4).count()).isEqualTo(1);
    m.close();
  }

  @Test
  void offsetFirstVectorKeepsVectorZeroForSoftwareAndAloneVectorTakesAll() {
    Machine m = TestMachines.boot(yaml(2, "", ", msix: { table: 3 }, features: [offset-first-vector]",
        nvme("nvme0", 2) + "  - { id: nic0, type: nic, behind: vmd0, msix: { table: 1 } }\n",
        drv("nvme0") + "  - { device: nic0, vectors: { max: 1, kind: msix } }\n", null), 1);
    assertThat(vmd(m).firstVec()).isEqualTo(1);
    // first_vec 1: the nic shares vector 1, NVMe goes above it (only vector 2 is left).
    assertThat(VmdIrq.of(desc(m, "nic0/msix/0").data()).list().index()).isEqualTo(1);
    for (int q = 0; q <= 2; q++) {
      assertThat(VmdIrq.of(desc(m, "nvme0/msix/" + q).data()).list().index()).isEqualTo(2);
    }
    assertThat(vmd(m).vectorLists().get(0).assigned()).isZero();
    m.close();
    // msix_count == first_vec + 1: everything on that one vector, NVMe included (two vectors:
    // vmd_msi_prepare offers nvme0 no more than the VMD has).
    Machine one = TestMachines.boot(yaml(2, "", ", msix: { table: 2 }, features: [offset-first-vector]",
        nvme("nvme0", 2), drv("nvme0"), null), 1);
    assertThat(one.binding("nvme0").driver().vectors()).isEqualTo(2);
    for (int q = 0; q <= 1; q++) {
      assertThat(VmdIrq.of(desc(one, "nvme0/msix/" + q).data()).list().index()).isEqualTo(1);
    }
    one.close();
  }

  @Test
  void childMessageNamesTheVmdVectorInTheDestinationFieldWithDataZero() {
    Machine m = TestMachines.boot(yaml(4, "", ", msix: { table: 8 }", nvme("nvme0", 4), drv("nvme0"), null), 1);
    QueueDevice dev = m.binding("nvme0").device();
    for (int q = 0; q <= 4; q++) {
      int index = VmdIrq.of(desc(m, "nvme0/msix/" + q).data()).list().index();
      assertThat(dev.entryAddress(q)).as("entry %d", q).isEqualTo(0xFEE00000L | ((long) index << 12));
      assertThat(dev.entryData(q)).isZero();
    }
    // Remapping on: VMCONFIG.MSI_REMAP clear.
    assertThat(m.binding("vmd0").device().peekConfig16(VmdDevice.VMCONFIG) & VmdDevice.VMCONFIG_MSI_REMAP).isZero();
    m.close();
  }

  @Test
  void childrenCountNothingTheirVmdVectorCountsAndEveryChildOnItRuns() {
    String tl = "  - at: 0ms\n    traffic: { device: nvme0, queues: all, rate: 100k/s, for: 2ms }\n";
    // One NVMe vector (table 2: 0 shared, 1 for NVMe), and vmd_msi_prepare caps nvme0 at two
    // interrupts (admin and one I/O queue), both on vector 1.
    Machine m = TestMachines.boot(yaml(2, "", ", msix: { table: 2 }", nvme("nvme0", 4), drv("nvme0"), tl), 1);
    TestMachines.rt(m).runToQuiescence();
    VmdIrqList l = vmd(m).vectorLists().get(1);
    IrqDesc v = m.kernel().descs().get(l.virq());
    long vmdCount = v.totalCount();
    assertThat(vmdCount).isPositive();
    for (int q = 0; q <= 1; q++) {
      assertThat(desc(m, "nvme0/msix/" + q).totalCount()).as("child %d counts nothing", q).isZero();
    }
    // Every enabled child is called on every run: 2 entries per vmd_irq run.
    assertThat(l.childCalls()).isEqualTo(2 * l.handled());
    assertThat(m.oracle().violations()).isEmpty();
    String proc = ProcInterrupts.render(m);
    assertThat(proc).containsPattern("\\s+" + desc(m, "nvme0/msix/1").irq() + ":\\s+0\\s+0\\s+VMD-MSI\\s+" + l.virq()
        + "  nvme0q1\\n");
    m.close();
  }

  @Test
  void disableTakesTheChildOffTheListAtOnceAndEnablePutsItBack() {
    String tl = "  - at: 1ms\n    disable-irq: { irq: nvme0/msix/1 }\n"
        + "  - at: 1ms\n    traffic: { device: nvme0, queues: [0], rate: 200k/s, for: 500us }\n"
        + "  - at: 2ms\n    enable-irq: { irq: nvme0/msix/1 }\n";
    Machine m = TestMachines.boot(yaml(2, "", ", msix: { table: 4 }", nvme("nvme0", 2), drv("nvme0"), tl), 1);
    IrqDesc c = desc(m, "nvme0/msix/1");
    VmdIrq e = VmdIrq.of(c.data());
    assertThat(e.enabled()).isTrue();
    TestMachines.rt(m).runUntil(1_500_000);
    // VMD-MSI has irq_disable, so disable_irq is not lazy: off the list and masked now.
    assertThat(e.enabled()).isFalse();
    assertThat(e.list().enabledEntries()).doesNotContain(e);
    assertThat(m.binding("nvme0").device().entryMasked(1)).isTrue();
    assertThat(m.binding("nvme0").device().outstanding(1)).isPositive();
    TestMachines.rt(m).runToQuiescence();
    // enable_irq: vmd_irq_enable puts it back and unmasks, the held message goes out.
    assertThat(e.enabled()).isTrue();
    assertThat(m.binding("nvme0").device().outstanding(1)).isZero();
    assertThat(m.oracle().violations()).isEmpty();
    m.close();
  }

  @Test
  void unbindWaitsForEachVectorsReadersThenFreesEntriesAndDescriptorsAfterAGracePeriod() {
    String tl = "  - at: 1ms\n    unbind: { device: nvme0 }\n";
    Machine m = TestMachines.boot(yaml(2, "", ", msix: { table: 4 }", nvme("nvme0", 2), drv("nvme0"), tl), 1);
    List<VmdIrq> entries = new ArrayList<>();
    List<IrqDesc> descs = new ArrayList<>();
    for (int q = 0; q <= 2; q++) {
      IrqDesc d = desc(m, "nvme0/msix/" + q);
      descs.add(d);
      entries.add(VmdIrq.of(d.data()));
    }
    long syncs = 0;
    TestMachines.rt(m).runToQuiescence();
    for (VmdIrqList l : vmd(m).vectorLists()) {
      syncs += l.srcu().synchronizes();
      assertThat(l.assigned()).isZero();
    }
    // vmd_msi_free: one synchronize_srcu per child interrupt freed: the probe's admin vector
    // (nvme_setup_io_queues frees it and allocates all of them) and the three at unbind.
    assertThat(syncs).isEqualTo(4);
    assertThat(entries).allMatch(VmdIrq::freed);
    assertThat(descs).allMatch(IrqDesc::freed);
    // generic_handle_irq on a number with no descriptor: -EINVAL.
    assertThat(m.kernel().chipFlow().genericHandleIrq(descs.get(0).irq())).isEqualTo(-Errno.EINVAL.number());
    m.close();
  }

  @Test
  void childrenHaveNoAffinityOfTheirOwnAndStayWhenTheirCpuGoesOffline() {
    String tl = "  - at: 1ms\n    cpu-offline: 1\n  - at: 2ms\n    cpu-online: 1\n";
    Machine m = TestMachines.boot(yaml(2, "", ", msix: { table: 4 }", nvme("nvme0", 2), drv("nvme0"), tl), 1);
    IrqDesc managed = desc(m, "nvme0/msix/2");
    IrqDesc q0 = desc(m, "nvme0/msix/0");
    // No irq_set_affinity on VMD-MSI: EPERM for the managed queue and for the admin queue alike.
    for (IrqDesc d : List.of(managed, q0)) {
      KernelException x = org.assertj.core.api.Assertions.catchThrowableOfType(KernelException.class,
          () -> ProcIrq.writeSmpAffinityList(m.kernel(), d.irq(), CpuMask.of(0)));
      assertThat(x.errno()).isEqualTo(Errno.EPERM);
    }
    assertThat(managed.affinity().toList()).isEqualTo("1");
    TestMachines.rt(m).runUntil(1_500_000);
    // CPU 1 offline: the managed child on CPU 1 is not shut down ("Unable to migrate away").
    assertThat(managed.data().is(IrqdState.MANAGED_SHUTDOWN)).isFalse();
    assertThat(managed.data().is(IrqdState.IRQ_STARTED)).isTrue();
    assertThat(m.kernel().log().lines()).anyMatch(l -> l.text().equals("IRQ " + managed.irq() + ": Unable to migrate away"));
    // Only VMD's own vectors moved off CPU 1.
    for (VmdIrqList l : vmd(m).vectorLists()) {
      assertThat(m.kernel().descs().get(l.virq()).effectiveAffinity().contains(1)).isFalse();
    }
    TestMachines.rt(m).runToQuiescence();
    assertThat(m.oracle().violations()).isEmpty();
    m.close();
  }

  @Test
  void aChildAskingForMoreVectorsThanTheVmdHasGetsAsManyAsItHas() {
    // 8 CPUs, 8 I/O queues: nvme asks for 9 vectors; vmd_msi_prepare answers 4, the retry takes 4.
    Machine m = TestMachines.boot(yaml(8, "", ", msix: { table: 4 }", nvme("nvme0", 8), drv("nvme0"), null), 1);
    assertThat(m.binding("nvme0").driver().vectors()).isEqualTo(4);
    m.close();
  }

  @Test
  void bypassGivesChildrenTheirOwnDomainsWithTheVmdsRequesterId() {
    String tl = "  - at: 0ms\n    traffic: { device: nvme0, queues: all, rate: 50k/s, for: 1ms }\n";
    Machine m = TestMachines.boot(yaml(2, ", remapping: intel", ", features: [bypass]", nvme("nvme0", 2),
        drv("nvme0"), tl), 1);
    VmdDriver v = vmd(m);
    assertThat(v.bypass()).isTrue();
    assertThat(v.msixCount()).isZero();
    assertThat(v.irqDomain()).isNull();
    assertThat(m.binding("vmd0").device().peekConfig16(VmdDevice.VMCONFIG) & VmdDevice.VMCONFIG_MSI_REMAP)
        .isEqualTo(VmdDevice.VMCONFIG_MSI_REMAP);
    IrqDesc c = desc(m, "nvme0/msix/1");
    assertThat(c.chip().name()).isEqualTo("IR-PCI-MSIX-10000:01:00.0");
    assertThat(c.handler().name()).isEqualTo("handle_edge_irq");
    TestMachines.rt(m).runToQuiescence();
    // The remapping entries verify the VMD's requester id (00:0e.0), not the child's (01:00.0).
    String table = irqlab.report.RemappingView.render(m);
    assertThat(table).containsPattern("nvme0/msix/1\\s+yes\\s+1\\s+0\\s+00:0e\\.0").contains("blocked:    0;");
    assertThat(c.totalCount()).isPositive();
    assertThat(m.oracle().violations()).isEmpty();
    m.close();
  }

  /**
   * Bypassed children all write with the VMD's requester id, so a remapping entry cannot tell one
   * child from another: nvme1's queue entry pointed at nvme0's handle passes source validation and
   * lands on nvme0's vector. The oracle still knows whose interrupt it was (the VMD forwards it on
   * the child's behalf) and reports it misrouted; so does the trace.
   */
  @Test
  void aBypassedChildsMessageOnAnotherChildsRemappingEntryIsMisrouted() {
    String tl = "  - at: 0ms\n    traffic: { device: nvme1, queues: [0], rate: 50k/s, for: 1ms }\n";
    Machine m = TestMachines.boot(yaml(2, ", remapping: intel", ", features: [bypass]",
        nvme("nvme0", 1) + nvme("nvme1", 1), drv("nvme0") + drv("nvme1"), tl), 1);
    irqlab.hw.pci.PciFunction n0 = (irqlab.hw.pci.PciFunction) m.binding("nvme0").device();
    irqlab.hw.pci.PciFunction n1 = (irqlab.hw.pci.PciFunction) m.binding("nvme1").device();
    long other = n0.entryAddress(1);
    assertThat(other).isNotEqualTo(n1.entryAddress(1));
    TestMachines.onTask(m, () -> {
      n1.mmioWrite32(irqlab.hw.pci.PciFunction.MSIX_BAR, 16, (int) other);
      n1.mmioWrite32(irqlab.hw.pci.PciFunction.MSIX_BAR, 16 + 8, n0.entryData(1));
    });
    TestMachines.rt(m).runToQuiescence();
    m.checkQuiescent();
    IrqDesc q0 = desc(m, "nvme0/msix/1");
    IrqDesc q1 = desc(m, "nvme1/msix/1");
    assertThat(m.oracle().violations()).extracting(Violation::kind).contains(Violation.MISROUTED);
    assertThat(m.oracle().violations()).anySatisfy(v -> assertThat(v.detail())
        .startsWith("nvme1 signalled nvme1/msix/1 (irq " + q1.irq() + ")")
        .contains("bound to irq " + q0.irq()));
    assertThat(q1.totalCount()).isZero();
    assertThat(q0.totalCount()).isPositive();
    m.close();
  }

  @Test
  void theSharedVectorsCountWrapsAsVmdMsiFreeLowersItForAChildItNeverCounted() {
    String tl = "  - at: 1ms\n    unbind: { device: sata }\n";
    Machine m = TestMachines.boot(yaml(2, "", ", msix: { table: 4 }",
        "  - { id: sata, type: ahci, behind: vmd0, queues: 1 }\n", drv("sata"), tl), 1);
    TestMachines.rt(m).runToQuiescence();
    // vmd_next_irq never raised vector 0's count; vmd_msi_free lowered it: an unsigned int wraps.
    assertThat(vmd(m).vectorLists().get(0).count()).isEqualTo(4294967295L);
    m.close();
  }

  @Test
  void theVmdEntryOfTheChildsMsixTableIsMaskedWhileVmdVectorsAreNot() {
    Machine m = TestMachines.boot(yaml(2, "", ", msix: { table: 4 }", nvme("nvme0", 2), drv("nvme0"), null), 1);
    VmdDevice hw = (VmdDevice) m.binding("vmd0").device();
    for (int i = 0; i < 4; i++) {
      assertThat(hw.entryMasked(i)).as("vmd0 entry %d requested and unmasked", i).isFalse();
    }
    assertThat(MsixCapability.ENTRY_SIZE).isEqualTo(16);
    m.close();
  }

  @Test
  void parsesAChildBehindItsVmdWithTheRightDefaults() {
    var s = ScenarioParser.parse("t.yaml", yaml(2, "", "", nvme("nvme0", 1) + nvme("nvme1", 1), "", null));
    assertThat(s.device("nvme0").orElseThrow().bdf()).isEqualTo("10000:01:00.0");
    assertThat(s.device("nvme1").orElseThrow().bdf()).isEqualTo("10000:02:00.0");
    assertThat(s.device("vmd0").orElseThrow().msix().table()).isEqualTo(32);
  }
}
