package irqlab.scenario;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reads test resources as text. */
final class TestResources {
  private TestResources() {}

  static String text(String path) {
    try (InputStream in = TestResources.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses {@code /scenarios-good/<file>}, naming it by its file name. */
  static Scenario good(String file) {
    return ScenarioParser.parse(file, text("/scenarios-good/" + file));
  }
}
