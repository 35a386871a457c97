package irqlab.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.x86.ApicChipData;
import irqlab.kernel.x86.VectorDomain;
import irqlab.sim.Machine;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class IrqDebugViewTest {
  private static final Pattern KEY = Pattern.compile("^(\\s*[A-Za-z_ ]+):");

  /** The keys of a debugfs file with their indentation, in order; bit-name lines become "<bit>". */
  private static List<String> keys(List<String> lines) {
    List<String> keys = new ArrayList<>();
    for (String l : lines) {
      Matcher m = KEY.matcher(l);
      keys.add(m.find() ? m.group(1) : l.replaceAll("[A-Z_]+$", "<bit>"));
    }
    return keys;
  }

  private static List<String> linuxPart(String view) {
    return Ref.lines(view.substring(0, view.indexOf("\n\n") + 1));
  }

  @Test
  void managedVectorFileHasTheReferenceKeysInOrder() {
    Machine m = Ref.machineAt("3ms");
    List<String> model = linuxPart(IrqDebugView.render(m, "nvme0/msix/0"));
    assertThat(keys(model)).isEqualTo(keys(Ref.lines(Ref.IRQ_26)));
  }

  @Test
  void managedVectorFileHasTheReferenceLayoutLineByLine() {
    Machine m = Ref.machineAt("3ms");
    IrqDesc d = m.kernel().descs().get(m.interruptNames().get("nvme0/msix/0"));
    List<String> model = Ref.lines(IrqDebugView.debugfsFile(m.kernel(), d));
    List<String> ref = Ref.lines(Ref.IRQ_26);
    assertThat(Ref.shapes(model)).isEqualTo(Ref.shapes(ref));
    // The same state as the real nvme0q1 gives the same words and names, byte for byte.
    assertThat(model.subList(0, 15)).isEqualTo(ref.subList(0, 15)); // handler .. node
    assertThat(model.get(18)).isEqualTo(ref.get(18)); // domain:  PCI-MSIX-0000:00:02.0-12
    assertThat(model.subList(20, 26)).isEqualTo(ref.subList(20, 26)); // chip .. VECTOR domain
    assertThat(model.subList(27, 29)).isEqualTo(ref.subList(27, 29)); // APIC chip and flags
    assertThat(model.subList(31, 36)).isEqualTo(ref.subList(31, 36)); // move_in_progress .. cleanup
    assertThat(model.get(19)).isEqualTo(" hwirq:   0x0"); // MSI-X index 0 (the reference's is 1)
    assertThat(model.get(26)).isEqualTo("     hwirq:   0x19"); // the VECTOR level's hwirq is the irq
  }

  @Test
  void movingVectorShowsPreviousVectorLinesInTheReferenceLayout() {
    Machine m = Ref.machineAt("1ms");
    IrqDesc d = m.kernel().descs().get(m.interruptNames().get("eth1/msix/0"));
    ApicChipData a = VectorDomain.apicChipData(d.data());
    List<String> model = Ref.lines(IrqDebugView.debugfsFile(m.kernel(), d));
    int at = model.indexOf("    domain:  VECTOR");
    List<String> level = model.subList(at, model.size());
    if (a.prevVector() != 0) {
      assertThat(Ref.shapes(level)).isEqualTo(Ref.shapes(Ref.VECTOR_LEVEL_MOVING));
      assertThat(level).contains("     Previous vector: " + Fmt.right(a.prevVector(), 5));
    } else {
      // No move under way: the two Previous lines are left out, as the kernel does.
      List<String> expected = new ArrayList<>(Ref.VECTOR_LEVEL_MOVING);
      expected.remove(7);
      expected.remove(6);
      assertThat(Ref.shapes(level)).isEqualTo(Ref.shapes(expected));
    }
  }

  @Test
  void someStateOfTheRunShowsAMoveWithPreviousVector() {
    boolean seen = false;
    for (int us = 1000; us <= 3000 && !seen; us += 50) {
      Machine m = Ref.machineAt(us + "us");
      IrqDesc d = m.kernel().descs().get(m.interruptNames().get("eth1/msix/0"));
      ApicChipData a = VectorDomain.apicChipData(d.data());
      if (a.prevVector() != 0) {
        seen = true;
        List<String> model = Ref.lines(IrqDebugView.debugfsFile(m.kernel(), d));
        List<String> level = model.subList(model.indexOf("    domain:  VECTOR"), model.size());
        assertThat(Ref.shapes(level)).isEqualTo(Ref.shapes(Ref.VECTOR_LEVEL_MOVING));
      }
    }
    assertThat(seen).as("a moved unmanaged vector keeps its previous vector until cleanup").isTrue();
  }

  @Test
  void irqlabSectionFollowsABlankLine() {
    Machine m = Ref.machineAt("3ms");
    String v = IrqDebugView.render(m, "eth1/msix/1");
    String tail = v.substring(v.indexOf("\n\n") + 2);
    assertThat(Ref.lines(tail)).startsWith(
        "irqlab:",
        "  name:       eth1/msix/1",
        "  irq:        30",
        "  action:     eth1-TxRx-1",
        "  msi_index:  1",
        "  domain_id:  0 (MSI_DEFAULT_DOMAIN)",
        "  cookie:     0x0");
  }

  @Test
  void anIrqNumberGivesTheSameView() {
    Machine m = Ref.machineAt("3ms");
    assertThat(IrqDebugView.render(m, "26")).isEqualTo(IrqDebugView.render(m, "nvme0/msix/1"));
  }

  @Test
  void unknownNamesAreRefusedWithTheValidOnes() {
    Machine m = Ref.machineAt("3ms");
    for (String bad : new String[] {"nvme0/msix/9", "nic0", "4242", ""}) {
      assertThatThrownBy(() -> IrqDebugView.render(m, bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + bad + "'")
          .hasMessageContaining("nvme0/msix/0, nvme0/msix/1")
          .hasMessageContaining("irq numbers 24-30")
          .hasMessageNotContaining("\n");
    }
  }

  @Test
  void embeddedReferenceFilesAreTheDumps() {
    String f = Ref.readReference(Ref.NOIR + "irq_irqs/26");
    assumeTrue(f != null, "reference dumps not available");
    assertThat(f).isEqualTo(Ref.IRQ_26);
    String legacy = Ref.readReference("pc-legacy-2cpu/irqdbg/a_affinity/irq_irqs/10");
    assertThat(Ref.lines(legacy)).containsSequence(Ref.VECTOR_LEVEL_MOVING);
  }
}
