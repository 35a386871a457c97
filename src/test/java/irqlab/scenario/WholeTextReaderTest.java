package irqlab.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * The linear reader gives SnakeYAML exactly what its stock reader gives: the same tokens, texts
 * and locations, and the same errors at the same places, for the built-ins, the test scenarios
 * and seeded random mutations of them (blanks, long runs, line breaks of every kind, quotes).
 */
class WholeTextReaderTest {
  private static final YAMLFactory STOCK = new YAMLFactory();

  /** What a parser makes of a text: each token with its text and start, then how it ended. */
  private static List<String> trace(YAMLParser p) {
    List<String> out = new ArrayList<>();
    try (p) {
      for (JsonToken t; (t = p.nextToken()) != null; ) {
        JsonLocation l = p.currentTokenLocation();
        out.add(t + " " + p.getText() + " @" + l.getLineNr() + ":" + l.getColumnNr() + " alias="
            + p.isCurrentAlias());
      }
      out.add("end");
    } catch (IOException | RuntimeException e) {
      out.add("error " + describe(e));
    }
    return out;
  }

  private static String describe(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof MarkedYAMLException m) {
        return m.getProblem() + " " + mark(m.getProblemMark()) + " " + m.getContext() + " " + mark(m.getContextMark());
      }
    }
    return e.getClass().getSimpleName();
  }

  private static String mark(org.yaml.snakeyaml.error.Mark m) {
    return m == null ? "-" : m.getLine() + ":" + m.getColumn() + "/" + m.getIndex();
  }

  private static List<String> stock(String text) throws IOException {
    return trace(STOCK.createParser(text));
  }

  private static List<String> linear(String text) {
    return trace(YamlReader.linearParser(text, new WholeTextReader(text)));
  }

  static List<String> corpus() throws IOException, URISyntaxException {
    List<String> texts = new ArrayList<>();
    for (String n : BuiltinScenarios.names()) {
      texts.add(BuiltinScenarios.text(n));
    }
    for (String dir : List.of("/scenarios-good", "/scenarios-bad",
        "/irqlab/scenario/ScenarioParserFuzzTestInputs/parsesOrRejectsCleanly")) {
      Path d = Path.of(WholeTextReaderTest.class.getResource(dir).toURI());
      try (Stream<Path> s = Files.list(d)) {
        for (Path p : s.sorted().toList()) {
          if (p.toString().endsWith(".yaml")) {
            texts.add(Files.readString(p));
          }
        }
      }
    }
    return texts;
  }

  @Test
  void everyScenarioInTheRepositoryReadsTheSame() throws Exception {
    List<String> texts = corpus();
    assertThat(texts).hasSizeGreaterThan(80);
    for (String t : texts) {
      assertThat(linear(t)).isEqualTo(stock(t));
    }
  }

  private static final String[] PIECES = {
    " ", "  ", "\t", "\n", "\r\n", "\r", "\u0085", "\u2028", "#", ": ", "- ", "[", "]", "{", "}", ",",
    "\"", "'", "\\", "|", ">", "&a ", "*a", "!t ", "? ", "---\n", "...\n", "\uFEFF", "é", "\uD83D\uDE00",
  };

  /** Random edits: pieces of YAML syntax and runs of a character longer than SnakeYAML's 1,024 buffer. */
  private static String mutate(String text, SplittableRandom rnd) {
    StringBuilder sb = new StringBuilder(text);
    int edits = 1 + rnd.nextInt(6);
    for (int i = 0; i < edits; i++) {
      int at = sb.length() == 0 ? 0 : rnd.nextInt(sb.length() + 1);
      switch (rnd.nextInt(4)) {
        case 0 -> sb.insert(at, PIECES[rnd.nextInt(PIECES.length)]);
        case 1 -> sb.insert(at, String.valueOf("a #\"x".charAt(rnd.nextInt(5))).repeat(1000 + rnd.nextInt(3000)));
        case 2 -> {
          if (at < sb.length()) {
            sb.delete(at, Math.min(sb.length(), at + 1 + rnd.nextInt(20)));
          }
        }
        default -> {
          if (at < sb.length()) {
            sb.setCharAt(at, PIECES[rnd.nextInt(PIECES.length)].charAt(0));
          }
        }
      }
    }
    return sb.toString();
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
  void mutatedScenariosReadTheSame(long seed) throws Exception {
    List<String> texts = corpus();
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int i = 0; i < 60; i++) {
      String t = mutate(texts.get(rnd.nextInt(texts.size())), rnd);
      if (t.codePoints().anyMatch(c -> !org.yaml.snakeyaml.reader.StreamReader.isPrintable(c))) {
        continue; // a split surrogate pair: reported at its own place by the linear reader, see below
      }
      assertThat(linear(t)).as("input %s", t).isEqualTo(stock(t));
    }
  }

  @Test
  void aControlCharacterIsReportedWhereItIs() {
    String text = "name: x\nmachine: { cpus: 2 }\ndescription: \"a\u0001b\"\n";
    ScenarioException e = org.assertj.core.api.Assertions.catchThrowableOfType(
        ScenarioException.class, () -> ScenarioParser.parse("c.yaml", text));
    assertThat(e.loc()).isEqualTo(new Loc("c.yaml", 3, 16));
    assertThat(e.problem()).contains("U+0001 is not allowed");
  }

  @Test
  void halfAMegabyteTokenIsOneToken() {
    // Tokens far longer than SnakeYAML's 1,024-character buffer are read right.
    String big = "a".repeat(500_000);
    Scenario s = ScenarioParser.parse("big.yaml",
        "name: big # " + "c".repeat(500_000) + "\ndescription: " + big + "\nmachine: { cpus: 1 }\n");
    assertThat(s.description()).isEqualTo(big);
  }
}
