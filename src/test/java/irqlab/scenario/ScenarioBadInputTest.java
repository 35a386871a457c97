package irqlab.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file under scenarios-bad/ must fail with the location, key path and explanation listed
 * in scenarios-bad/bad-cases.tsv.
 */
class ScenarioBadInputTest {

  static List<String[]> table() {
    return TestResources.text("/scenarios-bad/bad-cases.tsv").lines()
        .filter(l -> !l.isBlank() && !l.startsWith("#"))
        .map(l -> l.split("\t", -1))
        .collect(Collectors.toList());
  }

  static Stream<Arguments> cases() {
    return table().stream().map(row -> Arguments.of((Object[]) row));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void reportsLocationKeyAndProblem(
      String file, String lineColumn, String keyPath, String explanation) {
    String text = TestResources.text("/scenarios-bad/" + file);
    assertThat(text).as("each bad file starts with a comment saying what is wrong")
        .startsWith("# ");

    ScenarioException e =
        catchThrowableOfType(ScenarioException.class, () -> ScenarioParser.parse(file, text));

    assertThat(e).as(file + " must be rejected").isNotNull();
    assertThat(e.getMessage())
        .startsWith(file + ":" + lineColumn + ": " + keyPath + ": ")
        .contains(explanation)
        .doesNotContain("\n");
    assertThat(e.keyPath()).isEqualTo(keyPath);
    assertThat(e.loc().toString()).isEqualTo(file + ":" + lineColumn);
  }

  @Test
  void everyBadFileHasARowAndThereAreEnough() throws IOException, URISyntaxException {
    Path dir = Path.of(getClass().getResource("/scenarios-bad").toURI());
    List<String> files;
    try (Stream<Path> s = Files.list(dir)) {
      files =
          s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted()
              .collect(Collectors.toList());
    }
    List<String> rows = table().stream().map(r -> r[0]).sorted().collect(Collectors.toList());
    assertThat(rows).isEqualTo(files);
    assertThat(rows).hasSizeGreaterThanOrEqualTo(25);
  }
}
