package irqlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The reference guests from the command line: `show BUILTIN --at PHASE` takes the dumps' phase
 * names, and prints what the dump of that phase has (the views themselves are compared in full by
 * ReferenceGuestsTest).
 */
class ReferenceGuestsCliTest {
  private static final Path REF = Path.of("/work/shared/reference/linux-6.12");

  @ParameterizedTest
  @CsvSource({"q35-ir-4cpu, a_affinity, 26", "q35-noir-4cpu, b_offline_cpu1, 25", "pc-legacy-2cpu, c_online_cpu1, 10"})
  void showAtAPhaseReadsLikeItsDump(String config, String phase, int irq) throws IOException {
    Assumptions.assumeTrue(Files.isDirectory(REF), "reference dumps not present");
    Path dir = REF.resolve(config + "/irqdbg/" + phase);
    Cli pi = Cli.run("show", config, "--at", phase, "interrupts");
    assertThat(pi.rc()).as(pi.err()).isZero();
    assertThat(withoutCounts(body(pi.out()))).isEqualTo(withoutCounts(Files.readAllLines(dir.resolve("proc_interrupts"))));
    Cli vectors = Cli.run("show", config, "--at", phase, "vectors");
    assertThat(vectors.rc()).as(vectors.err()).isZero();
    assertThat(vectors.out()).contains(String.join("\n", Files.readAllLines(dir.resolve("irq_domains/VECTOR"))) + "\n");
    Cli one = Cli.run("show", config, "--at", phase, "irq", Integer.toString(irq));
    assertThat(one.rc()).as(one.err()).isZero();
    Path irqs = Files.isDirectory(dir.resolve("irq_irqs_all")) ? dir.resolve("irq_irqs_all") : dir.resolve("irq_irqs");
    assertThat(one.out()).contains(String.join("\n", Files.readAllLines(irqs.resolve(Integer.toString(irq)))) + "\n");
  }

  private static List<String> body(String out) {
    List<String> l = Arrays.asList(out.split("\n"));
    return l.subList(1, l.size()); // after the "# Kernel: ..." line
  }

  private static List<String> withoutCounts(List<String> lines) {
    return lines.stream().map(l -> l.replaceFirst("^( *[0-9A-Z]+:)(( +[0-9]+)+)", "$1 N")).toList();
  }
}
