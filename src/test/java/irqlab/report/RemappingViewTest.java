package irqlab.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import irqlab.kernel.irq.IrqDesc;
import irqlab.scenario.ScenarioParser;
import irqlab.sim.Machine;
import irqlab.sim.Simulation;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The views of a machine with interrupt remapping against lines copied verbatim from the Linux
 * 6.12 q35-ir-4cpu dumps (/work/shared/reference/linux-6.12/q35-ir-4cpu/irqdbg/).
 */
class RemappingViewTest {
  static final String IR = "q35-ir-4cpu/irqdbg/";

  // boot_linkup/proc_interrupts, lines 8 and 24.
  static final String PI_ROW_DMAR = " 24:          0          0          0          0  DMAR-MSI   0-edge      dmar0";
  static final String PI_ROW_40 =
      " 40:          0          0          1          0  IR-PCI-MSIX-0000:00:03.0   0-edge      eth1-rx-0";

  /** a_affinity/irq_irqs/26: nvme0q0, unmanaged, moved to CPU 2 by an affinity write. */
  static final String IRQ_26 = String.join("\n",
      "handler:  handle_edge_irq",
      "device:   0000:00:02.0",
      "status:   0x00004000",
      "istate:   0x00004000",
      "ddepth:   0",
      "wdepth:   0",
      "dstate:   0x1d409200",
      "            IRQD_ACTIVATED",
      "            IRQD_IRQ_STARTED",
      "            IRQD_SINGLE_TARGET",
      "            IRQD_MOVE_PCNTXT",
      "            IRQD_AFFINITY_SET",
      "            IRQD_AFFINITY_ON_ACTIVATE",
      "            IRQD_CAN_RESERVE",
      "            IRQD_HANDLE_ENFORCE_IRQCTX",
      "node:     0",
      "affinity: 2",
      "effectiv: 2",
      "pending:  ",
      "domain:  IR-PCI-MSIX-0000:00:02.0-12",
      " hwirq:   0x0",
      " chip:    IR-PCI-MSIX-0000:00:02.0",
      "  flags:   0x430",
      "             IRQCHIP_SKIP_SET_WAKE",
      "             IRQCHIP_ONESHOT_SAFE",
      " parent:",
      "    domain:  INTEL-IR-0-13",
      "     hwirq:   0x130000",
      "     chip:    INTEL-IR",
      "      flags:   0x0",
      "     parent:",
      "        domain:  VECTOR",
      "         hwirq:   0x1a",
      "         chip:    APIC",
      "          flags:   0x0",
      "         Vector:    38",
      "         Target:     2",
      "         move_in_progress: 0",
      "         is_managed:       0",
      "         can_reserve:      1",
      "         has_reserved:     0",
      "         cleanup_pending:  0") + "\n";

  /** boot/irq_domains/IR-PCI-MSIX-0000:00:03.0-12, its first 19 lines (down to VECTOR's flags). */
  static final List<String> DOMAIN_ETH1_HEAD = List.of(
      "name:   IR-PCI-MSIX-0000:00:03.0-12",
      " size:   0",
      " mapped: 3",
      " flags:  0x00000213",
      "            IRQ_DOMAIN_FLAG_HIERARCHY",
      "            IRQ_DOMAIN_NAME_ALLOCATED",
      "            IRQ_DOMAIN_FLAG_MSI",
      "            IRQ_DOMAIN_FLAG_MSI_DEVICE",
      " parent: INTEL-IR-0-13",
      "    name:   INTEL-IR-0-13",
      "     size:   65536",
      "     mapped: 37",
      "     flags:  0x00000123",
      "                IRQ_DOMAIN_FLAG_HIERARCHY",
      "                IRQ_DOMAIN_NAME_ALLOCATED",
      "                IRQ_DOMAIN_FLAG_ISOLATED_MSI",
      "                IRQ_DOMAIN_FLAG_MSI_PARENT",
      "     parent: VECTOR",
      "        name:   VECTOR");

  /** boot/intel_ir_translation_struct: the header and eth1's entry 34 (00:03.0, parked at 0xef). */
  static final List<String> TRANSLATION_HEAD = List.of(
      "Remapped Interrupt supported on IOMMU: dmar0",
      " IR table address:1b00000",
      " Entry SrcID   DstID    Vct IRTE_high\t\tIRTE_low");
  static final String TRANSLATION_ETH1 = " 34    00:03.0 00000000 ef  0000000000040018\t0000000000ef0009";
  private static final Pattern ENTRY = Pattern.compile(
      "^ ([0-9]+) +([0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]) ([0-9a-f]{8}) ([0-9a-f]{2})  ([0-9a-f]{16})\t([0-9a-f]{16})$");

  /** nvme0 at 00:02.0 and eth1 at 00:03.0 as on the reference machine, remapping on. */
  static final String YAML = """
      name: ir-report-test
      seed: 7
      machine:
        cpus: 4
        remapping: intel
      devices:
        - { id: nvme0, bdf: "0000:00:02.0", type: nic, msix: { table: 8 }, queues: 4 }
        - { id: eth1, bdf: "0000:00:03.0", type: nic, msix: { table: 4 }, queues: 2 }
      drivers:
        - { device: nvme0, vectors: { min: 1, max: 4, kind: msix, affinity: "0-3" } }
        - { device: eth1, vectors: { min: 1, max: 2, kind: msix, affinity: none } }
      timeline:
        - at: 0ms
          traffic: { device: eth1, queues: all, rate: 20k/s, for: 2ms }
        - at: 1ms
          set-affinity: { irq: nvme0/msix/0, cpus: [2] }
      """;

  private static Machine machineAt(String time) {
    return Simulation.runUntil(ScenarioParser.parse("ir-report-test.yaml", YAML), 7,
        irqlab.scenario.Durations.parse(time));
  }

  private static String withoutAction(String row) {
    return row.replaceAll("edge {6}.*$", "edge");
  }

  @Test
  void procInterruptsRowsHaveTheRemappedNamesAndLayout() {
    Machine m = machineAt("5ms");
    List<String> lines = Ref.lines(ProcInterrupts.render(m));
    String dmar = lines.get(1);
    assertThat(dmar).startsWith(" 24: ").endsWith("  DMAR-MSI   0-edge      dmar0");
    assertThat(Ref.shape(dmar)).isEqualTo(Ref.shape(PI_ROW_DMAR));
    IrqDesc eth1 = m.kernel().descs().get(m.interruptNames().get("eth1/msix/0"));
    String row = Ref.lines(ProcInterrupts.row(m.kernel(), eth1, 3)).get(0);
    assertThat(row).contains("  IR-PCI-MSIX-0000:00:03.0   0-edge      eth1-TxRx-0");
    assertThat(Ref.shape(withoutAction(row))).isEqualTo(Ref.shape(withoutAction(PI_ROW_40)));
  }

  @Test
  void irqFileHasTheReferenceRemappingLevelByteForByte() {
    Machine m = machineAt("5ms");
    IrqDesc d = m.kernel().descs().get(m.interruptNames().get("nvme0/msix/0"));
    List<String> model = Ref.lines(IrqDebugView.debugfsFile(m.kernel(), d));
    List<String> ref = Ref.lines(IRQ_26);
    assertThat(Ref.shapes(model)).isEqualTo(Ref.shapes(ref));
    // Same state as the real nvme0q0 after its move: every word but the hwirqs and the vector.
    assertThat(model.subList(0, 27)).isEqualTo(ref.subList(0, 27)); // handler .. INTEL-IR domain
    assertThat(model.subList(28, 32)).isEqualTo(ref.subList(28, 32)); // INTEL-IR chip .. VECTOR domain
    assertThat(model.subList(33, 35)).isEqualTo(ref.subList(33, 35)); // APIC chip and flags
    assertThat(model.subList(36, 42)).isEqualTo(ref.subList(36, 42)); // Target .. cleanup_pending
    int index = ((irqlab.kernel.iommu.IntelIrData) d.data().parent().chipData()).irteIndex();
    assertThat(model.get(27)).isEqualTo("     hwirq:   0x" + Long.toHexString((long) index << 16));
  }

  @Test
  void domainFilesOfTheRemappingLevelMatchTheReference() {
    Machine m = machineAt("5ms");
    Map<String, String> files = DomainsView.files(m.kernel());
    assertThat(files.keySet()).containsExactly("DMAR-MSI", "INTEL-IR-0-13", "IR-PCI-MSIX-0000:00:02.0-12",
        "IR-PCI-MSIX-0000:00:03.0-12", "VECTOR", "default");
    List<String> model = Ref.lines(files.get("IR-PCI-MSIX-0000:00:03.0-12"));
    assertThat(Ref.shapes(model.subList(0, 19))).isEqualTo(Ref.shapes(DOMAIN_ETH1_HEAD));
    assertThat(model.subList(0, 2)).isEqualTo(DOMAIN_ETH1_HEAD.subList(0, 2));
    assertThat(model.subList(3, 11)).isEqualTo(DOMAIN_ETH1_HEAD.subList(3, 11));
    assertThat(model.subList(12, 19)).isEqualTo(DOMAIN_ETH1_HEAD.subList(12, 19));
    assertThat(model.get(2)).isEqualTo(" mapped: 2");
    assertThat(Ref.lines(files.get("INTEL-IR-0-13")).subList(0, 8)).containsExactly(
        "name:   INTEL-IR-0-13", " size:   65536", " mapped: 6", " flags:  0x00000123",
        "            IRQ_DOMAIN_FLAG_HIERARCHY", "            IRQ_DOMAIN_NAME_ALLOCATED",
        "            IRQ_DOMAIN_FLAG_ISOLATED_MSI", "            IRQ_DOMAIN_FLAG_MSI_PARENT");
    assertThat(Ref.lines(files.get("DMAR-MSI")).subList(0, 8)).containsExactly(
        "name:   DMAR-MSI", " size:   0", " mapped: 1", " flags:  0x00000013",
        "            IRQ_DOMAIN_FLAG_HIERARCHY", "            IRQ_DOMAIN_NAME_ALLOCATED",
        "            IRQ_DOMAIN_FLAG_MSI", " parent: VECTOR");
  }

  @Test
  void translationStructHasTheReferenceLayoutAndTheSameSourceIdWord() {
    Machine m = machineAt("5ms");
    String file = RemappingView.translationStruct(m.kernel());
    List<String> lines = Ref.lines(file);
    assertThat(lines.subList(0, 3)).isEqualTo(TRANSLATION_HEAD);
    assertThat(file).endsWith("\n\n****\n\n");
    List<String> entries = lines.subList(3, lines.indexOf(""));
    assertThat(entries).hasSize(6);
    Matcher ref = ENTRY.matcher(TRANSLATION_ETH1);
    assertThat(ref.matches()).isTrue();
    for (String e : entries) {
      Matcher mm = ENTRY.matcher(e);
      assertThat(mm.matches()).as(e).isTrue();
      assertThat(e.indexOf(mm.group(2))).as("%-5d index column").isEqualTo(ref.start(2));
      assertThat(mm.group(6)).endsWith("0009"); // present, redirection hint, physical, fixed, edge
      if (mm.group(2).equals("00:03.0")) {
        assertThat(mm.group(5)).isEqualTo(ref.group(5)); // SVT 1, SQ 0, SID 0x0018: the kernel's word
      }
    }
  }

  @Test
  void showRemappingAndShowIrqCarryTheEntry() {
    Machine m = machineAt("5ms");
    String view = RemappingView.render(m);
    assertThat(view).startsWith("==> /sys/kernel/debug/iommu/intel/ir_translation_struct <==\n"
        + "Remapped Interrupt supported on IOMMU: dmar0\n");
    assertThat(view).contains("  unit:       dmar0, remapping on, compatibility format blocked, 65536 entries"
        + " at 0x1b00000, fault irq 24\n");
    String irq = IrqDebugView.render(m, "eth1/msix/1");
    assertThat(irq).containsPattern("\n  remapping:  IRTE [0-9]+ \\(handle [0-9]+, subhandle 0, block of 1\\):"
        + " present, vector 0x[0-9a-f]+, destination APIC id [0-3] \\(dest_id 0x00000[0-3]00\\)\n");
    assertThat(irq).contains("\n  source-id:  SVT 1 (requester id), SQ 0 (all 16 bits), SID 00:03.0\n");
    assertThat(irq).containsPattern("\n  device msg: addr=0x00000000fee[0-9a-f]{5} data=0x00000000"
        + " \\(remappable: handle [0-9]+, SHV\\)\n");
  }

  @Test
  void withoutRemappingThereIsNoTranslationFile() {
    Machine m = Ref.machineAt("1ms");
    assertThat(RemappingView.render(m)).startsWith("no interrupt remapping on this machine");
    assertThat(IrqDebugView.render(m, "nvme0/msix/0")).doesNotContain("remapping:");
  }

  @Test
  void embeddedReferenceLinesAreTheDumps() {
    String irq = Ref.readReference(IR + "a_affinity/irq_irqs/26");
    assumeTrue(irq != null, "reference dumps not available");
    assertThat(irq).isEqualTo(IRQ_26);
    assertThat(Ref.lines(Ref.readReference(IR + "boot/irq_domains/IR-PCI-MSIX-0000:00:03.0-12")).subList(0, 19))
        .isEqualTo(DOMAIN_ETH1_HEAD);
    List<String> tr = Ref.lines(Ref.readReference(IR + "boot/intel_ir_translation_struct"));
    assertThat(tr.subList(0, 3)).isEqualTo(TRANSLATION_HEAD);
    assertThat(tr).contains(TRANSLATION_ETH1);
    assertThat(Ref.lines(Ref.readReference(IR + "boot_linkup/proc_interrupts"))).contains(PI_ROW_DMAR, PI_ROW_40);
  }
}
