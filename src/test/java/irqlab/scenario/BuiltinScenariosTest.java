package irqlab.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

class BuiltinScenariosTest {
  private final BuiltinScenarios catalog = new BuiltinScenarios("/scenarios-good");

  @Test
  void listsNamesFromTheIndexSkippingCommentsAndBlanks() {
    assertThat(catalog.list()).containsExactly("full", "defaults", "minimal");
    assertThat(catalog.contains("full")).isTrue();
    assertThat(catalog.contains("index")).isFalse();
  }

  @Test
  void loadsByNameWithTheResourceAsSource() {
    Scenario s = catalog.loadScenario("minimal");

    assertThat(s.name()).isEqualTo("minimal");
    assertThat(s.source()).isEqualTo("scenarios-good/minimal.yaml");
    assertThat(catalog.textOf("minimal")).startsWith("# The smallest valid scenario");
    assertThat(catalog.loadScenario("full").description())
        .isEqualTo("Every key, set explicitly.\n");
  }

  @Test
  void unknownNameListsTheKnownOnes() {
    assertThatThrownBy(() -> catalog.textOf("nope"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no built-in scenario 'nope'; built-in scenarios: full, defaults, minimal");
  }

  @Test
  void missingIndexMeansNoBuiltins() {
    assertThat(new BuiltinScenarios("/no-such-dir").list()).isEmpty();
  }

  /** The scenarios shipped in src/main/resources must all parse, whoever writes them. */
  @Test
  void everyShippedScenarioParses() {
    assumeTrue(!BuiltinScenarios.names().isEmpty(), "no built-in scenarios shipped yet");
    for (String name : BuiltinScenarios.names()) {
      Scenario s = BuiltinScenarios.load(name);
      assertThat(s.name()).as("built-in %s", name).isEqualTo(name);
      assertThat(BuiltinScenarios.describe(name)).isEqualTo(s.description());
    }
  }
}
