package irqlab.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import irqlab.kernel.irq.IrqDesc;
import irqlab.scenario.ScenarioParser;
import irqlab.sim.Machine;
import irqlab.sim.Simulation;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The views of a plain MSI interrupt against the q35 AHCI of the reference boot, which uses
 * non-maskable PCI-MSI: its /proc/interrupts row, /sys/kernel/debug/irq/irqs/24 and the domain
 * file PCI-MSI-0000:00:1f.2-11.
 */
class MsiViewsTest {
  private static final String BOOT = "q35-noir-4cpu/irqdbg/boot/";

  /** A legacy-msi device where the reference has its AHCI, first to get an irq, as there. */
  private static Machine ahci() {
    return Simulation.runUntil(ScenarioParser.parse("ahci.yaml", """
        name: ahci
        machine: { cpus: 4 }
        devices: [ { id: ahci, bdf: "0000:00:1f.2", type: legacy-msi, queues: 1 } ]
        drivers: [ { device: ahci, vectors: { min: 1, max: 1, kind: msi } } ]
        """), 1, 0);
  }

  @Test
  void procInterruptsRowHasTheChipNameAndHwirqOfTheReferenceAhci() {
    String ref = Ref.readReference(BOOT + "proc_interrupts");
    assumeTrue(ref != null, "reference dumps not on this machine");
    String refRow = ref.lines().filter(l -> l.startsWith(" 24:")).findFirst().orElseThrow();
    Machine m = ahci();
    String row = ProcInterrupts.render(m).lines().filter(l -> l.startsWith(" 24:")).findFirst().orElseThrow();
    int edge = refRow.indexOf("-edge") + "-edge".length();
    assertThat(row.substring(0, edge)).isEqualTo(refRow.substring(0, edge));
    assertThat(row).endsWith("-edge      ahci-TxRx-0");
  }

  @Test
  void debugfsFileMatchesTheReferenceAhciLineForLine() {
    String refText = Ref.readReference(BOOT + "irq_irqs/24");
    assumeTrue(refText != null, "reference dumps not on this machine");
    Machine m = ahci();
    IrqDesc d = m.kernel().descs().get(m.interruptNames().get("ahci/msi/0"));
    assertThat(d.irq()).isEqualTo(24);
    List<String> model = Ref.lines(IrqDebugView.debugfsFile(m.kernel(), d));
    List<String> ref = Ref.lines(refText);
    assertThat(model).hasSameSizeAs(ref);
    assertThat(Ref.shapes(model)).isEqualTo(Ref.shapes(ref));
    for (int i = 0; i < ref.size(); i++) {
      // The vector matrix placed the real one on CPU 2, busier CPU 0 having the boot's vectors.
      if (!ref.get(i).startsWith("effectiv:") && !ref.get(i).trim().startsWith("Target:")) {
        assertThat(model.get(i)).as("line %d", i + 1).isEqualTo(ref.get(i));
      }
    }
  }

  @Test
  void domainFileMatchesTheReference() {
    String ref = Ref.readReference(BOOT + "irq_domains/PCI-MSI-0000:00:1f.2-11");
    assumeTrue(ref != null, "reference dumps not on this machine");
    Machine m = ahci();
    List<String> model = Ref.lines(DomainsView.files(m.kernel()).get("PCI-MSI-0000:00:1f.2-11"));
    List<String> refLines = Ref.lines(ref);
    assertThat(model).hasSameSizeAs(refLines);
    // The matrix rows below the header list this machine's vectors (none on CPUs 1-3 here).
    assertThat(Ref.shapes(model.subList(0, 23))).isEqualTo(Ref.shapes(refLines.subList(0, 23)));
    // Names and flags are the same bytes; the counts are this machine's.
    assertThat(model.subList(0, 2)).isEqualTo(refLines.subList(0, 2));
    assertThat(model.subList(3, 9)).isEqualTo(refLines.subList(3, 9));
  }
}
