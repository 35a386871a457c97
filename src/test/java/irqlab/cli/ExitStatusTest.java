package irqlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The exit statuses the README promises, command by command: 0 success, 1 a run that did not pass
 * (a violation, an unmet expectation, a failing schedule, a stop at the work budget), 2 bad input
 * as one line on stderr with nothing on stdout.
 */
class ExitStatusTest {
  @TempDir static Path tmp;

  /** A scenario that runs fine but expects more than it gets. */
  static Path greedy;

  @BeforeAll
  static void files() throws IOException {
    greedy = Files.writeString(tmp.resolve("greedy.yaml"), Cli.GREEDY);
    Files.writeString(tmp.resolve("bad.yaml"), "name: bad\nmachine: { cpus: 0 }\n");
    // Parses, but only a machine can refuse it: an INTx-only device with no chipset to route it.
    Files.writeString(tmp.resolve("nochipset.yaml"), "name: nochipset\nmachine: { cpus: 2 }\n"
        + "devices:\n  - { id: eth0, type: virtio-net, queues: 1 }\ndrivers:\n  - { device: eth0 }\n");
  }

  private static String[] args(String line) {
    return line.replace("GREEDY", greedy.toString()).replace("BAD", tmp.resolve("bad.yaml").toString())
        .replace("NOCHIPSET", tmp.resolve("nochipset.yaml").toString())
        .replace("MISSING", tmp.resolve("missing.json").toString())
        .split(" ");
  }

  @ParameterizedTest(name = "irqlab {0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "run nic-basic | 0",
      "run GREEDY | 1",
      "run nic-basic --max-events 100 | 1",
      "run BAD | 2",
      "run no-such-scenario | 2",
      "run nic-basic --width 3 | 2",
      "show nic-basic interrupts | 0",
      "show nic-basic interrupts --max-events 100 | 1",
      "show nic-basic | 2",
      "show BAD vectors | 2",
      "explore msix-affinity-race --schedules 20 | 0",
      "explore nic-basic --schedules 0 | 2",
      "explore BAD | 2",
      "run NOCHIPSET | 2",
      "explore NOCHIPSET | 2",
      "explore NOCHIPSET --max-steps 1000 | 2",
      "explore NOCHIPSET --strategy exhaustive --max-steps 1000 | 2",
      "replay NOCHIPSET --schedule delay:1:1 | 2",
      "replay NOCHIPSET --schedule delay:1:1 --max-steps 1000 | 2",
      "replay msix-affinity-race --schedule pct-3-180:1:0 | 0",
      "replay msix-affinity-race --schedule nonsense | 2",
      "replay BAD --schedule pct-3-180:1:0 | 2",
      "explore msix-affinity-race --schedules 20 --shard 2/2 | 0",
      "explore msix-affinity-race --strategy exhaustive --preemptions 1 | 0",
      "explore msix-affinity-race --shard 3/2 | 2",
      "explore msix-affinity-race --strategy nothing | 2",
      "explore msix-affinity-race --time nonsense | 2",
      "explore --merge MISSING | 2",
      "replay msix-affinity-race --schedule delay:01:2 | 2",
      "replay msix-affinity-race --schedule pct-3:1:55 | 2",
      "soak kunit-cpuhotplug msix-affinity-race --schedules 3 | 0",
      "soak torn-msi | 2",
      "soak --schedules 0 | 2",
      "soak --strategy nothing | 2",
      "soak --time nonsense | 2",
      "soak extra | 2",
      "plan nic-basic | 0",
      "plan nic-basic --add nvme | 0",
      "plan nic-basic --add floppy | 2",
      "plan BAD | 2",
      "plan nic-basic --max-events 100 | 1",
      "import --proc-interrupts BAD | 2",
      "import --proc-interrupts no-such-file | 2",
      "import | 2",
      "scenarios | 0",
      "scenarios --print storm | 0",
      "scenarios --print no-such | 2",
      "bench delivery --smoke | 0",
      "bench nothing | 2",
      "bench explore --smoke --jobs 2 | 0",
      "bench explore --jobs 0 | 2",
      "bench delivery --jobs 2 | 2",
      "bench strategies --warmup 1s | 2",
      "help run | 0",
      "help nothing | 2",
  })
  void exitStatus(String line, int rc) {
    Cli c = Cli.run(args(line));
    assertThat(c.rc()).as(line + "\nout: " + c.out() + "\nerr: " + c.err()).isEqualTo(rc);
    if (rc == 2) {
      assertThat(c.out()).isEmpty();
      assertThat(c.err().lines()).hasSize(1);
      assertThat(c.err()).doesNotContain("\tat ");
    }
    if (rc == 0) {
      assertThat(c.err()).isEmpty();
    }
  }

  @Test
  void exploreFindingAFailureAndItsReplayExitOne() {
    Cli e = Cli.run("explore", "msix-affinity-race-unmasked", "--schedules", "100");
    assertThat(e.rc()).isEqualTo(1);
    String id = e.out().lines().filter(l -> l.startsWith("replay it with:")).findFirst().orElseThrow()
        .replaceAll(".* --schedule ", "").replace(" --trace", "");
    Cli r = Cli.run("replay", "msix-affinity-race-unmasked", "--schedule", id);
    assertThat(r.rc()).isEqualTo(1);
  }

  @Test
  void everyCommandRefusesANegativeSeedAsBadInput() {
    for (String[] a : new String[][] {
        {"run", "--seed", "-1"}, {"show", "interrupts", "--seed", "-1"},
        {"explore", "nic-basic", "--seed", "-1"}, {"replay", "nic-basic", "--schedule", "pct-3-10:-1:0"}}) {
      Cli c = Cli.run(a);
      assertThat(c.rc()).as(String.join(" ", a)).isEqualTo(2);
      assertThat(c.err()).contains("non-negative number, got -1").contains("--help')");
    }
  }

  @Test
  void aFailureOfTheModelOrABugIsOneLineAndExitOne() {
    java.io.StringWriter w = new java.io.StringWriter();
    int rc = Main.failed("irqlab run", new irqlab.exec.ExecException("deadlock at t=5: kworker/0 waits"),
        new java.io.PrintWriter(w));
    assertThat(rc).isEqualTo(1);
    assertThat(w.toString()).isEqualTo("irqlab run: the model failed: deadlock at t=5: kworker/0 waits\n");
    w.getBuffer().setLength(0);
    rc = Main.failed("irqlab run", new IllegalStateException("two\nlines"), new java.io.PrintWriter(w));
    assertThat(rc).isEqualTo(1);
    assertThat(w.toString()).startsWith("irqlab run: internal error (a bug in irqlab; please report it with the"
        + " scenario): java.lang.IllegalStateException: two lines at ").endsWith("\n");
    assertThat(w.toString().lines()).hasSize(1);
  }

  @Test
  void aFailedProbeExitsOneWithOneLineOnStderrUnlessExpected() throws IOException {
    String acc = """
        name: acc
        machine: { cpus: 2 }
        devices: [ { id: acc0, type: accelerator, msix: { table: 1 }, ims: { storage: device, slots: 8 }, queues: 2 } ]
        drivers: [ { device: acc0, vectors: { max: 2, kind: ims } } ]
        """;
    Path p = Files.writeString(tmp.resolve("acc.yaml"), acc);
    Cli c = Cli.run("run", p.toString());
    assertThat(c.rc()).isEqualTo(1);
    assertThat(c.out()).contains("-> FAILED (probe acc0 failed with ENOTSUPP)");
    assertThat(c.err()).isEqualTo(
        "irqlab run: probe acc0: failed with ENOTSUPP (Unknown error 524), not expected (expect.probe)\n");
    Path q = Files.writeString(tmp.resolve("acc-expected.yaml"), acc + "expect: { probe: { acc0: ENOTSUPP } }\n");
    Cli ok = Cli.run("run", q.toString());
    assertThat(ok.rc()).isZero();
    assertThat(ok.err()).isEmpty();
  }
}
