package irqlab.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.x86.VectorDomain;
import irqlab.scenario.ScenarioParser;
import irqlab.sim.Machine;
import irqlab.sim.Simulation;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The views while CPU 1 is offline and after it came back, against the reference guest offlining
 * CPU 1 (q35-noir-4cpu/irqdbg/b_offline_cpu1 and c_online_cpu1): the managed nvme queue whose mask
 * is CPU 1 (the reference's irq 27, nvme0q2), the VECTOR file and /proc/interrupts.
 */
class HotplugViewsTest {
  private static final String B = "q35-noir-4cpu/irqdbg/b_offline_cpu1/";
  private static final String C = "q35-noir-4cpu/irqdbg/c_online_cpu1/";

  private static Machine at(String time) {
    String yaml = Ref.YAML + """
          - at: 3ms
            cpu-offline: 1
          - at: 5ms
            cpu-online: 1
        """;
    return Simulation.runUntil(ScenarioParser.parse("hotplug-views.yaml", yaml), 7, irqlab.scenario.Durations.parse(time));
  }

  /** nvme0's managed vector whose mask is CPU 1 alone. */
  private static IrqDesc cpu1Queue(Machine m) {
    for (int q = 0; q < 4; q++) {
      IrqDesc d = m.kernel().descs().get(m.interruptNames().get("nvme0/msix/" + q));
      if (d.affinity().toList().equals("1")) {
        return d;
      }
    }
    throw new AssertionError("no nvme0 vector with mask 1");
  }

  private static List<String> reference(String file) {
    String text = Ref.readReference(file);
    assumeTrue(text != null, "reference dumps not on this machine");
    return Ref.lines(text);
  }

  @Test
  void aManagedIrqShutDownByOfflineReadsLikeTheReference() {
    Machine m = at("4ms");
    IrqDesc d = cpu1Queue(m);
    List<String> model = Ref.lines(IrqDebugView.debugfsFile(m.kernel(), d));
    List<String> ref = reference(B + "irq_irqs_all/27");
    assertThat(Ref.shapes(model)).isEqualTo(Ref.shapes(ref));
    // handler .. pending: ddepth 1, IRQD_MANAGED_SHUTDOWN, not activated, affinity 1, effective 0.
    assertThat(model.subList(0, 19)).isEqualTo(ref.subList(0, 19));
    assertThat(model.get(19)).isEqualTo(ref.get(19)); // domain:  PCI-MSIX-0000:00:02.0-12
    int vector = model.indexOf("    domain:  VECTOR");
    assertThat(vector).isEqualTo(ref.indexOf("    domain:  VECTOR"));
    // Vector 0 (freed), Target still CPU 1, nothing moving.
    assertThat(model.subList(vector + 4, model.size())).isEqualTo(ref.subList(vector + 4, ref.size()));
  }

  @Test
  void afterOnlineTheIrqIsStartedAgainOnItsCpuAsInTheReference() {
    Machine m = at("6ms");
    IrqDesc d = cpu1Queue(m);
    List<String> model = Ref.lines(IrqDebugView.debugfsFile(m.kernel(), d));
    List<String> ref = reference(C + "irq_irqs_all/27");
    assertThat(Ref.shapes(model)).isEqualTo(Ref.shapes(ref));
    assertThat(model.subList(0, 18)).isEqualTo(ref.subList(0, 18)); // handler .. effectiv: 1
    int vector = model.indexOf("    domain:  VECTOR");
    assertThat(model.get(vector + 5)).isEqualTo("     Target:     1");
    assertThat(model.subList(vector + 6, model.size())).isEqualTo(ref.subList(vector + 6, ref.size()));
    IrqDesc before = at("2ms").kernel().descs().get(d.irq());
    assertThat(VectorDomain.apicChipData(d.data()).vector()).as("the same vector as before the offline")
        .isEqualTo(VectorDomain.apicChipData(before.data()).vector());
  }

  @Test
  void theVectorFileListsOnlyOnlineCpusLikeTheReference() {
    Machine m = at("4ms");
    List<String> model = Ref.lines(VectorsView.vectorFile(m.kernel()));
    List<String> ref = reference(B + "irq_domains/VECTOR");
    assertThat(Ref.shapes(model.subList(7, model.size()))).isEqualTo(Ref.shapes(ref.subList(7, ref.size())));
    assertThat(model.get(7)).isEqualTo("Online bitmaps:        3");
    assertThat(model.subList(model.size() - 3, model.size())).extracting(l -> l.trim().split("\\s+")[0])
        .containsExactly("0", "2", "3");
    List<String> back = Ref.lines(VectorsView.vectorFile(at("6ms").kernel()));
    assertThat(back.get(7)).isEqualTo("Online bitmaps:        4");
  }

  @Test
  void procInterruptsHasNoColumnForTheOfflineCpu() {
    Machine m = at("4ms");
    String header = ProcInterrupts.header(m.kernel(), 3);
    assertThat(header).isEqualTo(reference(B + "proc_interrupts").get(0) + "\n");
  }
}
