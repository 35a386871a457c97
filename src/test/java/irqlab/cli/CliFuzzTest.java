package irqlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line, fuzzed: whatever the arguments and the scenario file, irqlab ends with exit
 * status 0, 1 or 2, prints bad input as one line on stderr and nothing on stdout, never a stack
 * trace, never an internal error, within a time bound.
 *
 * <p>An input is text: its first line is the command line (words separated by spaces, the word
 * SCENARIO standing for a file holding the rest of the input), the rest is that file. Seeds are in
 * CliFuzzTestInputs/; plain {@code mvn test} replays them, and {@code mvn verify} fuzzes for a few
 * seconds (see the README, "Fuzzing", to fuzz for longer).
 *
 * <p>Three things are kept in bounds so that every input ends quickly and harmlessly: run, show and
 * plan get at most 20,000 events and 1 s of virtual time, explore at most 2 schedules and 2 jobs,
 * benchmarks do not run, and --html writes only into a scratch directory.
 */
class CliFuzzTest {
  private static final Path SCRATCH;

  static {
    try {
      SCRATCH = Files.createTempDirectory("irqlab-cli-fuzz");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Wall time an input may take, all its threads included: generous, a busy 2-core machine, and
   * checked on a second run when the first was slower.
   */
  private static final long MAX_NANOS = 30_000_000_000L;

  @FuzzTest(maxDuration = "10s")
  @DictionaryEntries({"run", "show", "plan", "import", "--add", "--proc-interrupts", "--lspci", "CPU0", "IO-APIC",
      "IR-PCI-MSIX-0000:00:02.0", "0-edge", "nvme0q1", "virtio0-input.0", "eth1-rx-0", "explore", "replay", "scenarios", "bench", "help", "SCENARIO",
      "interrupts", "domains", "vectors", "remapping", "irq", "nic0/msix/0", "--seed", "--json", "--html",
      "--cpus", "--width", "--at", "--dot", "--strategy", "--schedules", "--jobs", "--show", "--schedule",
      "--print", "--smoke", "--max-events", "--max-time", "--help", "-h", "-V", "pct-3:1:0", "random",
      "nic-tour", "storm", "name: f", "machine: { cpus: 2 }", "timeline:", "devices:", "drivers:", "expect:",
      "traffic", "storm:", "rate: 1M/s", "for: 1ms", "at: 0ms"})
  void anyCommandLineEndsCleanly(byte[] input) throws IOException {
    String text = new String(input, StandardCharsets.UTF_8);
    int nl = text.indexOf('\n');
    String line = nl < 0 ? text : text.substring(0, nl);
    Path file = Files.writeString(SCRATCH.resolve("fuzz.yaml"), nl < 0 ? "" : text.substring(nl + 1));
    String[] args = bounded(line, file);

    long start = System.nanoTime();
    Cli c = Cli.run(args);
    long took = System.nanoTime() - start;

    String what = String.join(" ", args);
    assertThat(c.rc()).as(what).isBetween(0, 2);
    assertThat(c.err()).as(what).doesNotContain("\tat ").doesNotContain("internal error")
        .doesNotContain("the model failed");
    if (c.rc() == 2) {
      assertThat(c.out()).as(what).isEmpty();
      assertThat(c.err().lines().count()).as(what).isEqualTo(1);
    }
    if (took >= MAX_NANOS) {
      // Loading and instrumenting the classes an input reaches first, or a busy machine, can stall
      // one run; a slow input is slow again.
      start = System.nanoTime();
      Cli.run(args);
      took = System.nanoTime() - start;
    }
    assertThat(took).as(what + " took %d ms", took / 1_000_000).isLessThan(MAX_NANOS);
  }

  private static final List<String> BOUNDED = List.of("--html", "--max-events", "--max-time", "--schedules", "--jobs");

  /** The words of {@code line}, with the scenario file put in and the work kept in bounds. */
  static String[] bounded(String line, Path file) {
    List<String> a = new ArrayList<>();
    for (String w : line.split(" ")) {
      if (!w.isEmpty()) {
        a.add(w.equals("SCENARIO") ? file.toString() : w);
      }
    }
    String cmd = a.isEmpty() ? "" : a.get(0);
    for (int i = 0; i < a.size(); i++) {
      String w = a.get(i);
      int eq = w.indexOf('=');
      String opt = eq > 0 ? w.substring(0, eq) : w;
      if (!BOUNDED.contains(opt) || eq < 0 && i + 1 >= a.size()) {
        continue;
      }
      String value = eq > 0 ? w.substring(eq + 1) : a.get(i + 1);
      String bounded = switch (opt) {
        case "--html" -> SCRATCH.resolve("report.html").toString();
        case "--max-events" -> clamp(value, 1, 20_000);
        case "--max-time" -> atMostOneSecond(value);
        default -> clamp(value, 0, 2);
      };
      if (eq > 0) {
        a.set(i, opt + "=" + bounded);
      } else {
        a.set(i + 1, bounded);
      }
    }
    if (List.of("run", "show", "plan").contains(cmd) && a.stream().noneMatch(w -> w.startsWith("--max-"))) {
      a.addAll(List.of("--max-events", "20000", "--max-time", "1s"));
    }
    if ((cmd.equals("explore")) && a.stream().noneMatch(w -> w.startsWith("--schedules"))) {
      a.addAll(List.of("--schedules", "2"));
    }
    if (cmd.equals("bench")) {
      // A real benchmark measures for seconds: only its usage errors and help are fuzzed.
      String what = a.stream().skip(1).filter(w -> !w.startsWith("-")).findFirst().orElse("delivery");
      if (List.of("delivery", "explore", "alloc").contains(what)) {
        a.add("--help");
      }
    }
    return a.toArray(String[]::new);
  }

  private static String atMostOneSecond(String value) {
    try {
      long ns = irqlab.scenario.Durations.parse(value);
      return ns == 0 || ns > 1_000_000_000L ? "1s" : value;
    } catch (IllegalArgumentException e) {
      return value; // bad input, answered at once
    }
  }

  /** A numeric option's value held within {@code min..max}; anything else as it was (bad input). */
  private static String clamp(String value, long min, long max) {
    if (value == null || !value.matches("[0-9]{1,18}")) {
      return value;
    }
    long v = Long.parseLong(value);
    return Long.toString(Math.max(min, Math.min(max, v)));
  }
}
