package irqlab.report;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.kernel.domain.IrqDomain;
import irqlab.kernel.x86.ApicChipData;
import irqlab.kernel.x86.VectorDomain;
import irqlab.scenario.BuiltinScenarios;
import irqlab.scenario.Scenario;
import irqlab.sim.Machine;
import irqlab.sim.Simulation;
import irqlab.sim.run.RunRuntime;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** show domains --dot and show irq --dot: the graph is the kernel's hierarchy, and Graphviz reads it. */
class DomainsDotTest {
  private static final Pattern NODE = Pattern.compile("^  (d[0-9]+) \\[shape=box.*label=\"([^\\\\\"]+)", Pattern.MULTILINE);
  private static final Pattern EDGE = Pattern.compile("^  (d[0-9]+) -> (d[0-9]+);$", Pattern.MULTILINE);
  private static final Pattern IRQ_EDGE = Pattern.compile("^  (d[0-9]+) -> i([0-9]+) ", Pattern.MULTILINE);

  static Machine ran(String name) {
    Scenario s = BuiltinScenarios.load(name);
    Machine m = Simulation.build(s, s.seed());
    ((RunRuntime) m.exec()).runToQuiescence();
    return m;
  }

  @ParameterizedTest
  @ValueSource(strings = {"nic-tour", "ir-affinity", "ims-cpu-offline", "msi-multi-nic-ir"})
  void nodesAndEdgesAreTheDomainTree(String name) throws Exception {
    Machine m = ran(name);
    String dot = DomainsDot.render(m);
    Map<String, String> nodes = new HashMap<>();
    Matcher n = NODE.matcher(dot);
    while (n.find()) {
      nodes.put(n.group(1), n.group(2));
    }
    List<IrqDomain> all = m.kernel().domains().all();
    assertThat(nodes.values()).containsExactlyInAnyOrderElementsOf(all.stream().map(IrqDomain::debugfsName).toList());
    Set<String> edges = new HashSet<>();
    Matcher e = EDGE.matcher(dot);
    while (e.find()) {
      edges.add(nodes.get(e.group(1)) + " -> " + nodes.get(e.group(2)));
    }
    Set<String> expected = new HashSet<>();
    for (IrqDomain d : all) {
      if (d.parent() != null) {
        expected.add(d.parent().debugfsName() + " -> " + d.debugfsName());
      }
    }
    assertThat(edges).isEqualTo(expected);
    // Every interrupt hangs under its outermost domain.
    Matcher ie = IRQ_EDGE.matcher(dot);
    int irqs = 0;
    while (ie.find()) {
      int irq = Integer.parseInt(ie.group(2));
      assertThat(nodes.get(ie.group(1))).isEqualTo(m.kernel().descs().get(irq).data().domain().debugfsName());
      irqs++;
    }
    int[] withDomain = {0};
    m.kernel().descs().forEach(i -> withDomain[0] += m.kernel().descs().get(i).data().domain() != null ? 1 : 0);
    assertThat(irqs).isEqualTo(withDomain[0]); // these machines stay under the per-domain cap
    assertThat(dot).startsWith("digraph irq_domains {\n").endsWith("}\n");
    renderedByGraphviz(dot, all.stream().map(IrqDomain::debugfsName).toList());
  }

  @Test
  void anInterruptsLevelsGoDownToItsVector() throws Exception {
    Machine m = ran("ir-affinity");
    String dot = DomainsDot.renderIrq(m, "nic0/msix/0");
    int irq = IrqDebugView.resolve(m, "nic0/msix/0");
    ApicChipData a = VectorDomain.apicChipData(m.kernel().descs().get(irq).data());
    // 6.12 with interrupt remapping: the device's IR-PCI-MSIX domain, then INTEL-IR, then VECTOR.
    assertThat(dot).containsSubsequence("l0 [shape=box, style=rounded, label=\"IR-PCI-MSIX-0000:00:03.0-12\\nchip IR-PCI-MSIX-0000:00:03.0",
        "l1 [shape=box, style=rounded, label=\"INTEL-IR-", "\\nchip INTEL-IR",
        "l2 [shape=box, style=rounded, label=\"VECTOR\\nchip APIC",
        "cpu [shape=box3d, label=\"CPU " + a.cpu() + "\\nvector " + a.vector() + " (0x" + Integer.toHexString(a.vector()) + ")\"]");
    assertThat(dot).contains("irq -> l0;", "l0 -> l1;", "l1 -> l2;", "l2 -> cpu;");
    renderedByGraphviz(dot, List.of("VECTOR"));
  }

  @Test
  void quotesInNamesAreEscaped() {
    assertThat(DomainsDot.esc("a\"b\\c\nd")).isEqualTo("a\\\"b\\\\c\\nd");
  }

  /** With Graphviz installed, dot must accept the graph and draw every domain; skipped otherwise. */
  static void renderedByGraphviz(String dot, List<String> names) throws Exception {
    Path bin = java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
        .map(d -> Path.of(d.isEmpty() ? "." : d, "dot")).filter(Files::isExecutable).findFirst().orElse(null);
    Assumptions.assumeTrue(bin != null, "Graphviz's dot is not installed: structure checked, rendering skipped");
    Process p = new ProcessBuilder(bin.toString(), "-Tsvg").redirectErrorStream(true).start();
    p.getOutputStream().write(dot.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    // dot writes '-' in text as "&#45;".
    String svg = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).replace("&#45;", "-");
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(svg).isZero();
    assertThat(svg).startsWith("<?xml").contains("<svg");
    for (String n : names) {
      assertThat(svg).contains(">" + n + "</text>");
    }
  }
}
