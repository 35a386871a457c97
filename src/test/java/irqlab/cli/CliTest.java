package irqlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command-line contract: exit statuses, one-line errors, the views and JSON. */
class CliTest {
  @TempDir Path tmp;

  private Path write(String name, String text) throws IOException {
    Path p = tmp.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  @Test
  void runWithoutArgumentsRunsTheDefaultScenario() {
    Cli c = Cli.run("run");
    assertThat(c.rc()).isZero();
    assertThat(c.out()).startsWith("irqlab run: " + ScenarioSource.DEFAULT + " ");
    assertThat(c.err()).isEmpty();
  }

  @Test
  void runJsonHasTheResults() throws IOException {
    Cli c = Cli.run("run", "nic-basic", "--json");
    assertThat(c.rc()).isZero();
    JsonNode j = new ObjectMapper().readTree(c.out());
    assertThat(j.get("scenario").asText()).isEqualTo("nic-basic");
    assertThat(j.get("irqs")).hasSize(4);
    assertThat(j.get("violations")).isEmpty();
  }

  @Test
  void aFailedExpectationExitsOne() throws IOException {
    Path p = write("greedy.yaml", Cli.GREEDY);
    Cli c = Cli.run("run", p.toString());
    assertThat(c.rc()).isEqualTo(1);
    assertThat(c.out()).contains("delivered nic0: expected >= 999999");
  }

  @Test
  void badInputIsOneLineWithLocationAndExitsTwo() throws IOException {
    Path p = write("bad.yaml", "name: bad\nmachine: { cpus: 0 }\n");
    Cli c = Cli.run("run", p.toString());
    assertThat(c.rc()).isEqualTo(2);
    assertThat(c.out()).isEmpty();
    assertThat(c.err().strip()).doesNotContain("\n").startsWith(p + ":2:");
    assertThat(c.err()).contains("machine.cpus");
  }

  @Test
  void unmodelledFeaturesAreRefusedAsBadInputAtTheirKey() throws IOException {
    Path p = write("vmd.yaml", """
        name: vmd
        machine: { cpus: 2, remapping: intel }
        devices: [{ id: vmd0, type: vmd }]
        drivers: [{ device: vmd0 }]
        timeline:
          - at: 1ms
            unbind: { device: vmd0 }
        """);
    Cli c = Cli.run("run", p.toString());
    assertThat(c.rc()).isEqualTo(2);
    assertThat(c.out()).isEmpty();
    assertThat(c.err().strip()).startsWith(p + ":7:13: timeline[0].unbind: unbind of a vmd").contains("not modelled")
        .doesNotContain("\n");
  }

  @Test
  void unknownVariantIsBadInput() throws IOException {
    Path p = write("v.yaml", """
        name: v
        machine:
          cpus: 2
          kernel: { variants: [no-such-variant] }
        """);
    Cli c = Cli.run("run", p.toString());
    assertThat(c.rc()).isEqualTo(2);
    assertThat(c.err()).contains("machine.kernel.variants").contains("unknown variant 'no-such-variant'");
  }

  @Test
  void unknownKernelVersionIsBadInputListingTheKnownOnes() throws IOException {
    Path p = write("k.yaml", """
        name: k
        machine:
          cpus: 2
          kernel: { version: "5.4" }
        """);
    Cli c = Cli.run("run", p.toString());
    assertThat(c.rc()).isEqualTo(2);
    assertThat(c.out()).isEmpty();
    assertThat(c.err().strip()).isEqualTo(p + ":4:22: machine.kernel.version: unknown kernel version '5.4';"
        + " expected one of: 6.12, 6.16, 6.6");
  }

  @Test
  void runAndShowPrintTheKernelProfile() throws IOException {
    Path p = write("k616.yaml", """
        name: k616
        machine:
          cpus: 2
          kernel: { version: "6.16", variants: [msi-nomask-detour] }
        """);
    Cli run = Cli.run("run", p.toString());
    assertThat(run.rc()).isZero();
    assertThat(run.out().lines().skip(1).findFirst().orElseThrow()).isEqualTo("Kernel: 6.16 (6.12.117 with v6.16's"
        + " managed-interrupt disable depth: 788019eb559f, 2b32fc8ff08d); variants: msi-nomask-detour");
    Cli json = Cli.run("run", p.toString(), "--json");
    assertThat(json.out()).contains("\"kernel\": \"6.16\",\n  \"variants\": [\"msi-nomask-detour\"],");
    Cli show = Cli.run("show", p.toString(), "vectors");
    assertThat(show.out()).startsWith("# Kernel: 6.16 (");
    assertThat(Cli.run("run", "nic-basic").out().lines().skip(1).findFirst().orElseThrow())
        .isEqualTo("Kernel: 6.12 (Linux 6.12.117 as shipped)");
  }

  @Test
  void missingScenarioAndBadOptionsAreBadInput() {
    assertThat(Cli.run("run", "no-such-file.yaml").rc()).isEqualTo(2);
    assertThat(Cli.run("run", "--seed", "x").rc()).isEqualTo(2);
    assertThat(Cli.run("show", "nic-basic", "bogus").rc()).isEqualTo(2);
    assertThat(Cli.run("show", "nic-basic", "irq", "nic0/msix/99").rc()).isEqualTo(2);
    assertThat(Cli.run("show", "--at", "3 parsecs", "interrupts").rc()).isEqualTo(2);
    assertThat(Cli.run("explore", "nic-basic", "--strategy", "bogus").rc()).isEqualTo(2);
    assertThat(Cli.run("replay", "nic-basic", "--schedule", "garbage").rc()).isEqualTo(2);
    assertThat(Cli.run("bogus").rc()).isEqualTo(2);
  }

  @Test
  void scenariosListsTheBuiltIns() {
    Cli c = Cli.run("scenarios");
    assertThat(c.rc()).isZero();
    assertThat(c.out()).contains("nic-tour").contains("(default)").contains("msix-affinity-race-unmasked");
  }

  @Test
  void showInterruptsReadsLikeProcInterrupts() {
    Cli c = Cli.run("show", "nic-basic", "interrupts");
    assertThat(c.rc()).isZero();
    String[] lines = c.out().split("\n");
    // The kernel the view stands for, then /proc/interrupts as Linux prints it.
    assertThat(lines[0]).isEqualTo("# Kernel: 6.12 (Linux 6.12.117 as shipped)");
    assertThat(lines[1]).isEqualTo("           CPU0       CPU1       CPU2       CPU3       ");
    assertThat(lines[2]).matches(" 24: +\\d+ +0 +0 +0  PCI-MSIX-0000:00:03.0   0-edge      nic0-TxRx-0");
  }

  @Test
  void showAtAnEarlierTimeShowsAnEarlierState() {
    Cli early = Cli.run("show", "nic-tour", "--at", "2500us", "irq", "nic1/msix/0");
    Cli before = Cli.run("show", "nic-tour", "--at", "2ms", "irq", "nic1/msix/0");
    assertThat(before.out()).contains("pending:  3");
    assertThat(early.out()).contains("effectiv: 3");
  }

  @Test
  void exploreFindsTheVariantAndReplayReproducesIt() {
    Cli e = Cli.run("explore", "msix-affinity-race-unmasked", "--schedules", "100", "--jobs", "2");
    assertThat(e.rc()).isEqualTo(1);
    String replayLine = e.out().lines().filter(l -> l.startsWith("replay it with:")).findFirst().orElseThrow();
    String id = replayLine.replaceFirst(".* --schedule (\\S+).*", "$1");
    Cli r = Cli.run("replay", "msix-affinity-race-unmasked", "--schedule", id);
    assertThat(r.rc()).isEqualTo(1);
    assertThat(r.out()).containsPattern("No irq handler for [0-9]+\\.[0-9]+");
    Cli again = Cli.run("replay", "msix-affinity-race-unmasked", "--schedule", id);
    assertThat(again.out()).isEqualTo(r.out());
    assertThat(Cli.run("explore", "msix-affinity-race", "--schedules", "100").rc()).isZero();
  }
}
