package irqlab.sim;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.kernel.irq.IrqDesc;
import irqlab.report.DomainsView;
import irqlab.report.IrqDebugView;
import irqlab.report.ProcInterrupts;
import irqlab.report.RemappingView;
import irqlab.report.VectorsView;
import irqlab.scenario.BuiltinScenarios;
import irqlab.scenario.Scenario;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The built-ins q35-ir-4cpu, q35-noir-4cpu and pc-legacy-2cpu against the irqdbg dumps they
 * reproduce, phase by phase: /proc/interrupts in everything but the counts, the VECTOR file and
 * every other debugfs domain file, the remapping table (ir_translation_struct), and
 * /sys/kernel/debug/irq/irqs/N of every irq the dump has (irq_irqs_all where the phase has it,
 * else irq_irqs), line by line; and the a_affinity writes' results. What differs must be exactly
 * the list in src/test/resources/reference-guests/CONFIG.differences (each one explained in the
 * README's "Reference guests"): a new difference fails, and so does one that went away.
 */
class ReferenceGuestsTest {
  private static final String[] PHASES = {"boot", "boot_linkup", "a_affinity", "b_offline_cpu1", "c_online_cpu1"};

  @ParameterizedTest
  @ValueSource(strings = {"q35-ir-4cpu", "q35-noir-4cpu", "pc-legacy-2cpu"})
  void everyPhaseReadsLikeTheDumpButForTheListedDifferences(String config) throws IOException {
    Assumptions.assumeTrue(RefDump.present(), "reference dumps not present");
    Scenario s = BuiltinScenarios.load(config);
    List<String> diffs = new ArrayList<>();
    for (String phase : PHASES) {
      Machine m = Simulation.runUntil(s, s.seed(), s.markTime(phase).orElseThrow());
      Path dir = RefDump.ROOT.resolve(config + "/irqdbg/" + phase);
      compare(diffs, phase + " proc_interrupts", layout(ProcInterrupts.render(m)),
          layout(Files.readString(dir.resolve("proc_interrupts"))));
      compare(diffs, phase + " VECTOR", lines(VectorsView.vectorFile(m.kernel())),
          Files.readAllLines(dir.resolve("irq_domains/VECTOR")));
      // Every other debugfs domain file of the phase (the VECTOR one above), up to the name of its
      // parent: what follows is the parent's own file, compared as that domain.
      Path domains = Files.isDirectory(dir.resolve("all_domains")) ? dir.resolve("all_domains/irq_domains")
          : dir.resolve("irq_domains");
      Map<String, String> files = DomainsView.files(m.kernel());
      for (String name : names(domains)) {
        if (!name.equals("VECTOR")) {
          compare(diffs, phase + " domain " + name, ownPart(files.containsKey(name) ? lines(files.get(name)) : List.of()),
              ownPart(Files.readAllLines(domains.resolve(name))));
        }
      }
      for (String name : files.keySet()) {
        if (!Files.exists(domains.resolve(name))) {
          diffs.add(phase + " domain " + name + ": not in the dump");
        }
      }
      if (Files.exists(dir.resolve("intel_ir_translation_struct"))) {
        compare(diffs, phase + " ir_translation_struct", lines(RemappingView.translationStruct(m.kernel())),
            Files.readAllLines(dir.resolve("intel_ir_translation_struct")));
      }
      Path irqs = Files.isDirectory(dir.resolve("irq_irqs_all")) ? dir.resolve("irq_irqs_all") : dir.resolve("irq_irqs");
      for (int irq : irqNumbers(irqs)) {
        IrqDesc d = m.kernel().descs().get(irq);
        List<String> ref = Files.readAllLines(irqs.resolve(Integer.toString(irq)));
        if (d == null) {
          diffs.add(phase + " irq " + irq + ": no such irq in irqlab");
          continue;
        }
        compare(diffs, phase + " irq " + irq, lines(IrqDebugView.debugfsFile(m.kernel(), d)), ref);
      }
      m.close();
    }
    assertThat(diffs).as("differences from the %s dumps", config).containsExactlyElementsOf(expected(config));
  }

  /** The a_affinity writes: each one's result and, read back at once, smp_affinity_list and effective. */
  @ParameterizedTest
  @ValueSource(strings = {"q35-ir-4cpu", "q35-noir-4cpu", "pc-legacy-2cpu"})
  void theAffinityWritesAnswerAsInTheDump(String config) throws IOException {
    Assumptions.assumeTrue(RefDump.present(), "reference dumps not present");
    Scenario s = BuiltinScenarios.load(config);
    RunResult r = Simulation.run(s, s.seed());
    Pattern ref = Pattern.compile("write /proc/irq/(\\d+)/smp_affinity_list <- (\\d+) : (OK|FAILED).* ; now smp=(\\S+) eff=(\\S+)");
    Pattern model = Pattern.compile(".*write /proc/irq/(\\d+)/smp_affinity_list <- (\\d+) \\(.*\\): (OK|FAILED)"
        + "(?:; now smp=(\\S+) eff=(\\S+)(?: pending=(\\S+))?)?.*");
    List<String> want = new ArrayList<>();
    for (String l : RefDump.lines(config + "/irqdbg/a_affinity/actions")) {
      Matcher x = ref.matcher(l);
      if (x.matches()) {
        want.add(x.group(1) + "<-" + x.group(2) + " " + x.group(3)
            + (x.group(3).equals("OK") ? " smp=" + x.group(4) + " eff=" + x.group(5) : ""));
      }
    }
    List<String> got = new ArrayList<>();
    for (String l : r.actions()) {
      Matcher x = model.matcher(l);
      if (x.matches()) {
        // smp_affinity_list reads the pending mask while a move is pending (show_irq_affinity).
        String smp = x.group(6) != null ? x.group(6) : x.group(4);
        got.add(x.group(1) + "<-" + x.group(2) + " " + x.group(3)
            + (x.group(3).equals("OK") ? " smp=" + smp + " eff=" + x.group(5) : ""));
      }
    }
    assertThat(want).hasSizeGreaterThanOrEqualTo(3);
    assertThat(got).isEqualTo(want);
  }

  /** /proc/interrupts without the count columns. */
  static List<String> layout(String text) {
    List<String> out = new ArrayList<>();
    for (String l : text.split("\n")) {
      out.add(l.replaceFirst("^( *[0-9A-Z]+:)(( +[0-9]+)+)", "$1 N"));
    }
    return out;
  }

  /** A line as the differences file lists it: stripped, tabs as spaces. */
  private static String shown(String line) {
    return line.strip().replace('\t', ' ');
  }

  /** A debugfs domain file up to and including its " parent: NAME" line. */
  private static List<String> ownPart(List<String> file) {
    for (int i = 0; i < file.size(); i++) {
      if (file.get(i).startsWith(" parent: ")) {
        return file.subList(0, i + 1);
      }
    }
    return file;
  }

  /** Lines as Files.readAllLines has them: an empty last line where the text ends in two newlines. */
  private static List<String> lines(String text) {
    List<String> l = new ArrayList<>(List.of(text.split("\n", -1)));
    if (!l.isEmpty() && l.get(l.size() - 1).isEmpty()) {
      l.remove(l.size() - 1);
    }
    return l;
  }

  /** Line by line; files of different length are reported as such, with both texts. */
  private static void compare(List<String> diffs, String what, List<String> model, List<String> ref) {
    if (model.size() != ref.size()) {
      diffs.add(what + ": " + model.size() + " lines, the dump " + ref.size() + ": " + model + " / " + ref);
      return;
    }
    for (int i = 0; i < model.size(); i++) {
      if (!model.get(i).equals(ref.get(i))) {
        diffs.add(what + ": '" + shown(model.get(i)) + "' where the dump has '" + shown(ref.get(i)) + "'");
      }
    }
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static List<Integer> irqNumbers(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> Integer.parseInt(p.getFileName().toString())).sorted(Comparator.naturalOrder()).toList();
    }
  }

  /** The documented differences, one per line; lines starting with # are comments. */
  private static List<String> expected(String config) throws IOException {
    try (InputStream in = ReferenceGuestsTest.class.getResourceAsStream("/reference-guests/" + config + ".differences")) {
      if (in == null) {
        return List.of();
      }
      List<String> l = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          l.add(line);
        }
      }
      return l;
    }
  }
}
