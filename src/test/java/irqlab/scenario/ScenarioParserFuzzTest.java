package irqlab.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Whatever the text, the parser returns a scenario or throws a one-line ScenarioException; any
 * other exception is a bug. Plain {@code mvn test} replays the seeds in
 * ScenarioParserFuzzTestInputs/; set JAZZER_FUZZ=1 to fuzz.
 */
class ScenarioParserFuzzTest {

  @FuzzTest(maxDuration = "60s")
  void parsesOrRejectsCleanly(byte[] input) {
    // Bytes rather than a String parameter so that seed files are plain YAML.
    String text = new String(input, StandardCharsets.UTF_8);
    try {
      Scenario s = ScenarioParser.parse("fuzz.yaml", text);
      assertThat(s.name()).matches("[a-z0-9-]+");
    } catch (ScenarioException e) {
      assertThat(e.getMessage()).startsWith("fuzz.yaml:").doesNotContain("\n", "\r");
      assertThat(e.loc().line()).isPositive();
      assertThat(e.loc().column()).isPositive();
    }
  }
}
