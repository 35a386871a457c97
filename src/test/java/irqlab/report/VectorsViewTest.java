package irqlab.report;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.kernel.Kernel;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.x86.ApicChipData;
import irqlab.kernel.x86.VectorDomain;
import irqlab.scenario.ScenarioParser;
import irqlab.sim.Machine;
import irqlab.sim.Simulation;
import java.util.List;
import org.junit.jupiter.api.Test;

class VectorsViewTest {
  @Test
  void startsWithTheVectorDebugfsFile() {
    Machine m = Ref.machineAt("3ms");
    String out = VectorsView.render(m);
    assertThat(out).startsWith("==> /sys/kernel/debug/irq/domains/VECTOR <==\n" + VectorsView.vectorFile(m.kernel()));
    assertThat(out).contains(m.kernel().matrix().debugShow());
  }

  @Test
  void cpuTableHasTheMatrixCountersOfEveryCpu() {
    Machine m = Ref.machineAt("3ms");
    Kernel k = m.kernel();
    List<String> lines = Ref.lines(VectorsView.cpuTable(k));
    assertThat(lines.get(1).trim()).isEqualTo(
        "CPU  online  available  allocated  managed  managed-alloc  cleanup-queued");
    assertThat(lines).hasSize(2 + k.nrCpus());
    for (int c = 0; c < k.nrCpus(); c++) {
      String[] f = lines.get(2 + c).trim().split("\\s+");
      assertThat(f).containsExactly(Integer.toString(c), "yes", Integer.toString(k.matrix().available(c)),
          Integer.toString(k.matrix().allocated(c)), Integer.toString(k.matrix().managed(c)),
          Integer.toString(k.matrix().managedAllocated(c)),
          Integer.toString(k.vectorDomain().cleanupQueued(c)));
    }
  }

  @Test
  void everyActiveIrqIsListedUnderItsCpuAndVector() {
    Machine m = Ref.machineAt("3ms");
    String out = VectorsView.render(m);
    int checked = 0;
    for (int irq : m.interruptNames().values()) {
      IrqDesc d = m.kernel().descs().get(irq);
      ApicChipData a = VectorDomain.apicChipData(d.data());
      if (a.vector() == 0) {
        continue;
      }
      String section = out.substring(out.indexOf("  CPU " + a.cpu() + ":"));
      int next = section.indexOf("\n  CPU ", 1);
      section = next < 0 ? section : section.substring(0, next);
      assertThat(section).contains("    " + Fmt.right(a.vector(), 3) + " (0x" + Integer.toHexString(a.vector())
          + ")  irq " + irq + " ");
      checked++;
    }
    assertThat(checked).isEqualTo(m.interruptNames().size());
  }

  @Test
  void reservationModeLinesWithoutVectorAreListed() {
    Machine m = Ref.machineAt("3ms");
    String extra = Ref.YAML + """
          - at: 2500us
            free-irq: { irq: eth1/msix/1 }
        """;
    Machine freed = Simulation.runUntil(ScenarioParser.parse("x.yaml", extra), 7, 3_000_000);
    String out = VectorsView.render(freed);
    int irq = freed.interruptNames().get("eth1/msix/1");
    assertThat(out).contains("  No vector (reservation mode or shut down;").contains("    irq " + irq + " eth1/msix/1\n");
    assertThat(VectorsView.render(m)).doesNotContain("No vector");
  }
}
