package irqlab.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import irqlab.kernel.irq.IrqDesc;
import irqlab.scenario.ScenarioParser;
import irqlab.sim.Machine;
import irqlab.sim.Simulation;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcInterruptsTest {
  @Test
  void headerIsTheReferenceHeaderByteForByte() {
    Machine m = Ref.machineAt("3ms");
    List<String> lines = Ref.lines(ProcInterrupts.render(m));
    assertThat(lines.get(0)).isEqualTo(Ref.PI_HEADER_4);
  }

  @Test
  void twoCpuHeaderAndSpuRowMatchThePcLegacyReference() {
    String yaml = Ref.YAML.replace("cpus: 4", "cpus: 2").replace("cpus: [2]", "cpus: [1]");
    Machine m = Simulation.runUntil(ScenarioParser.parse("two.yaml", yaml), 7, 3_000_000);
    List<String> lines = Ref.lines(ProcInterrupts.render(m));
    assertThat(lines.get(0)).isEqualTo(Ref.PI_HEADER_2);
    assertThat(lines).contains(Ref.PI_SPU_2);
  }

  @Test
  void msixRowHasTheReferenceLayoutApartFromTheValues() {
    Machine m = Ref.machineAt("3ms");
    int irq = m.interruptNames().get("nvme0/msix/0");
    assertThat(irq).isEqualTo(25);
    String row = ProcInterrupts.row(m.kernel(), m.kernel().descs().get(irq), 3);
    assertThat(row).endsWith("\n");
    String line = row.substring(0, row.length() - 1);
    // Same chip name and hwirq as the reference row; only the counts and the action differ.
    assertThat(line).startsWith(" 25: ").contains("  PCI-MSIX-0000:00:02.0   0-edge      nvme0-TxRx-0");
    assertThat(Ref.shape(withoutAction(line))).isEqualTo(Ref.shape(withoutAction(Ref.PI_ROW_25)));
  }

  @Test
  void everyRowOfARunningMachineHasTheReferenceRowLayout() {
    Machine m = Ref.machineAt("3ms");
    List<String> lines = Ref.lines(ProcInterrupts.render(m));
    String expected = Ref.shape(withoutAction(Ref.PI_ROW_25));
    int rows = 0;
    String expectedMsi = Ref.shape(withoutAction(Ref.PI_ROW_24));
    for (String l : lines.subList(1, lines.size())) {
      if (l.contains("PCI-MSIX")) {
        rows++;
        // The chip names differ only in the bdf, which has the same length.
        String normalized = l.replaceAll("PCI-MSIX-0000:00:..\\..", "PCI-MSIX-0000:00:02.0");
        assertThat(Ref.shape(withoutAction(normalized))).as(l).isEqualTo(expected);
      } else if (l.contains("PCI-MSI-")) {
        rows++;
        assertThat(Ref.shape(withoutAction(l))).as(l).isEqualTo(expectedMsi);
      }
    }
    assertThat(rows).isEqualTo(m.interruptNames().size());
  }

  @Test
  void archRowsAreLinuxsInOrderAndLayout() {
    Machine m = Ref.machineAt("3ms");
    List<String> lines = Ref.lines(ProcInterrupts.render(m));
    List<String> model = lines.subList(lines.size() - 16, lines.size());
    String refText = Ref.readReference(Ref.NOIR + "proc_interrupts");
    org.junit.jupiter.api.Assumptions.assumeTrue(refText != null, "reference dumps not present");
    List<String> ref = Ref.lines(refText);
    ref = ref.subList(ref.size() - 16, ref.size());
    for (int i = 0; i < 16; i++) {
      assertThat(Ref.shape(model.get(i))).isEqualTo(Ref.shape(ref.get(i)));
    }
    assertThat(model).contains(Ref.PI_SPU_4, Ref.PI_ERR, Ref.PI_MIS);
    // LOC counts the HZ (250) ticks each CPU was online: 3 ms holds none; MCP one boot poll each.
    assertThat(model.get(1)).isEqualTo("LOC:          0          0          0          0   Local timer interrupts");
    assertThat(model.get(13)).isEqualTo("MCP:          1          1          1          1   Machine check polls");
    Machine later = Ref.machineAt("9ms");
    assertThat(Ref.lines(ProcInterrupts.render(later)))
        .contains("LOC:          2          2          2          2   Local timer interrupts");
  }

  @Test
  void rowsAreThoseWithAnAction() {
    // kernel/irq/proc.c (6.12) show_interrupts: no action, no row, whatever the line counted.
    String yaml = Ref.YAML + """
          - at: 2500us
            free-irq: { irq: nvme0/msix/1 }
          - at: 2500us
            free-irq: { irq: ahci/msi/0 }
        """;
    Machine m = Simulation.runUntil(ScenarioParser.parse("free.yaml", yaml), 7, 3_000_000);
    IrqDesc counted = m.kernel().descs().get(m.interruptNames().get("nvme0/msix/1"));
    IrqDesc idle = m.kernel().descs().get(m.interruptNames().get("ahci/msi/0"));
    assertThat(counted.action()).isNull();
    assertThat(counted.totalCount()).isPositive();
    assertThat(idle.action()).isNull();
    String text = ProcInterrupts.render(m);
    assertThat(text).doesNotContain(" " + counted.irq() + ": ").doesNotContain(" " + idle.irq() + ": ")
        .contains(" " + (counted.irq() - 1) + ": ");
  }

  @Test
  void numberColumnWidthFollowsNrIrqs() {
    assertThat(ProcInterrupts.prec(456)).isEqualTo(3);
    assertThat(ProcInterrupts.prec(999)).isEqualTo(3);
    assertThat(ProcInterrupts.prec(1000)).isEqualTo(4);
    assertThat(ProcInterrupts.prec(12345)).isEqualTo(5);
    Machine m = Ref.machineAt("0ms");
    assertThat(ProcInterrupts.nrIrqs(m.kernel())).isEqualTo(456); // the 4-CPU q35's nr_irqs
  }

  @Test
  void embeddedReferenceLinesAreInTheDumps() {
    String pi = Ref.readReference(Ref.NOIR + "proc_interrupts");
    assumeTrue(pi != null, "reference dumps not available");
    assertThat(Ref.lines(pi)).contains(Ref.PI_HEADER_4, Ref.PI_ROW_25, Ref.PI_SPU_4, Ref.PI_ERR, Ref.PI_MIS);
    String legacy = Ref.readReference("pc-legacy-2cpu/irqdbg/a_affinity/proc_interrupts");
    assertThat(Ref.lines(legacy)).contains(Ref.PI_HEADER_2, Ref.PI_SPU_2);
  }

  /** The line up to the action name, which is the driver's and not Linux's layout. */
  private static String withoutAction(String line) {
    int i = line.lastIndexOf("  ");
    return line.substring(0, i + 2);
  }
}
