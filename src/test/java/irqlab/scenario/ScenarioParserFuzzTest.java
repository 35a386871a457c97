package irqlab.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Whatever the text, the parser returns a scenario or throws a one-line ScenarioException; any
 * other exception is a bug. It does so in time and memory linear in the text: at most {@link
 * #MAX_CPU_NANOS} of CPU and {@link #BYTES_PER_CHAR} bytes allocated per character (plus a
 * constant). Plain {@code mvn test} replays the seeds in ScenarioParserFuzzTestInputs/; {@code mvn
 * verify} fuzzes for a few seconds (see the README, "Fuzzing", to fuzz for longer).
 */
class ScenarioParserFuzzTest {
  static final long MAX_CPU_NANOS = 2_000_000_000L;
  static final long BYTES_PER_CHAR = 2_000;
  private static final long BYTES_FIXED = 4L << 20;
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();

  static {
    // Class loading and the libraries' static set-up are not the parse's cost.
    ScenarioParser.parse("warm.yaml", BuiltinScenarios.text("nic-tour"));
  }

  @FuzzTest(maxDuration = "10s")
  void parsesOrRejectsCleanly(byte[] input) {
    // Bytes rather than a String parameter so that seed files are plain YAML.
    String text = new String(input, StandardCharsets.UTF_8);
    String first = outcome(text);
    // Measured on a second parse of the same text: the first may load (and instrument) classes.
    long id = Thread.currentThread().getId();
    long cpu = THREADS.getCurrentThreadCpuTime();
    long bytes = THREADS.getThreadAllocatedBytes(id);
    assertThat(outcome(text)).isEqualTo(first);
    assertThat(THREADS.getCurrentThreadCpuTime() - cpu).as("CPU time").isLessThan(MAX_CPU_NANOS);
    assertThat(THREADS.getThreadAllocatedBytes(id) - bytes).as("bytes allocated")
        .isLessThan(BYTES_FIXED + BYTES_PER_CHAR * text.length());
  }

  /** The scenario's name, or the one-line message of the ScenarioException; nothing else may come out. */
  private static String outcome(String text) {
    try {
      Scenario s = ScenarioParser.parse("fuzz.yaml", text);
      assertThat(s.name()).matches("[a-z0-9-]+");
      return s.name();
    } catch (ScenarioException e) {
      assertThat(e.getMessage()).startsWith("fuzz.yaml:").doesNotContain("\n", "\r");
      assertThat(e.loc().line()).isPositive();
      assertThat(e.loc().column()).isPositive();
      return e.getMessage();
    }
  }
}
