package irqlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** run/replay --html FILE and show --dot on the command line. */
class HtmlCliTest {
  /** The newer JDK on these machines, when present: the report's bytes must not depend on the JDK. */
  static final Path JDK25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");

  @TempDir Path tmp;

  @Test
  void runWritesTheReportAndPrintsWhatItAlwaysPrinted() throws Exception {
    Path f = tmp.resolve("nic-tour.html");
    Cli plain = Cli.run("run", "nic-tour");
    Cli c = Cli.run("run", "nic-tour", "--html", f.toString());
    assertThat(c.rc()).isZero();
    assertThat(c.out()).isEqualTo(plain.out());
    assertThat(c.err()).isEmpty();
    String html = Files.readString(f, StandardCharsets.UTF_8);
    assertThat(html).startsWith("<!DOCTYPE html>\n").endsWith("</html>\n")
        .contains("<script type=\"application/json\" id=\"data-tree\">");
    assertThat(Cli.run("run", "nic-tour", "--json", "--html", f.toString()).out())
        .isEqualTo(Cli.run("run", "nic-tour", "--json").out());
  }

  @Test
  void theSameBytesInAnotherJvmAndOnAnotherJdk() throws Exception {
    Path a = tmp.resolve("a.html");
    Path b = tmp.resolve("b.html");
    Cli.run("run", "ir-affinity", "--html", a.toString());
    DeterminismTest.runJvm("run", "ir-affinity", "--html", b.toString());
    assertThat(Files.readString(b)).isEqualTo(Files.readString(a));
    if (Files.isExecutable(JDK25)) {
      Path c = tmp.resolve("c.html");
      DeterminismTest.runJvm(JDK25, "run", "ir-affinity", "--html", c.toString());
      assertThat(Files.readString(c)).isEqualTo(Files.readString(a));
    }
  }

  @Test
  void aReplaysReportIsTheSameBytesInAnotherJvmAndOnAnotherJdk() throws Exception {
    String[] args = {"replay", "torn-msi", "--schedule", "delays-1.btqufsae.1:1:1", "--html", null};
    Path a = tmp.resolve("a.html");
    args[5] = a.toString();
    assertThat(Cli.run(args).rc()).isEqualTo(1);
    Path b = tmp.resolve("b.html");
    args[5] = b.toString();
    DeterminismTest.runJvm(args);
    assertThat(Files.readString(b)).contains("data-interleaving").isEqualTo(Files.readString(a));
    if (Files.isExecutable(JDK25)) {
      Path c = tmp.resolve("c.html");
      args[5] = c.toString();
      DeterminismTest.runJvm(JDK25, args);
      assertThat(Files.readString(c)).isEqualTo(Files.readString(a));
    }
  }

  @Test
  void anUnwritableFileIsBadInput() {
    Cli c = Cli.run("run", "nic-basic", "--html", tmp.resolve("no/such/dir/x.html").toString());
    assertThat(c.rc()).isEqualTo(2);
    assertThat(c.out()).isEmpty();
    assertThat(c.err().strip()).startsWith("irqlab run: --html: cannot write ").doesNotContain("\n");
  }

  @Test
  void replayWritesTheReportOfTheReplayedSchedule() throws Exception {
    Path f = tmp.resolve("replay.html");
    Cli plain = Cli.run("replay", "msix-affinity-race-unmasked", "--schedule", "random:1:3");
    Cli c = Cli.run("replay", "msix-affinity-race-unmasked", "--schedule", "random:1:3", "--html", f.toString());
    assertThat(c.rc()).isEqualTo(plain.rc());
    assertThat(c.out()).isEqualTo(plain.out());
    String html = Files.readString(f);
    assertThat(html).containsPattern("<title>irqlab replay: msix-affinity-race-unmasked seed [0-9]+ schedule random:1:3</title>")
        .contains("<script type=\"application/json\" id=\"data-interleaving\">").contains("IRQLAB.section(\"interleaving\"");
    // Its trace is the one --json prints: the same number of events, in lanes of the same actors.
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    com.fasterxml.jackson.databind.JsonNode trace = json.readTree(
        Cli.run("replay", "msix-affinity-race-unmasked", "--schedule", "random:1:3", "--json").out()).get("trace");
    String open = "id=\"data-interleaving\">";
    int at = html.indexOf(open) + open.length();
    com.fasterxml.jackson.databind.JsonNode lanes = json.readTree(html.substring(at, html.indexOf("</script>", at)));
    assertThat(lanes.get("total").asInt()).isEqualTo(trace.get("events").size());
    assertThat(lanes.get("actors").size()).isEqualTo(trace.get("actors").size());
    // A run has no schedule, so no interleaving.
    Path r = tmp.resolve("run.html");
    Cli.run("run", "msix-affinity-race-unmasked", "--html", r.toString());
    assertThat(Files.readString(r)).doesNotContain("data-interleaving");
  }

  @Test
  void showDotPrintsGraphviz() {
    Cli c = Cli.run("show", "ir-affinity", "domains", "--dot");
    assertThat(c.rc()).isZero();
    assertThat(c.out()).startsWith("// Kernel: 6.12 (Linux 6.12.117 as shipped)\ndigraph irq_domains {\n")
        .contains("label=\"VECTOR\\nchip APIC");
    Cli i = Cli.run("show", "ir-affinity", "irq", "nic0/msix/1", "--dot");
    assertThat(i.out()).startsWith("// Kernel: 6.12 (Linux 6.12.117 as shipped)\ndigraph irq_26 {\n").contains("l2 -> cpu;");
  }
}
