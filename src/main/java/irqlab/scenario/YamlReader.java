package irqlab.scenario;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.ReaderException;

/**
 * Reads one YAML document into a {@link YamlNode} tree that keeps the start location of every key
 * and value. Walks Jackson's streaming YAML parser because its tree model drops locations.
 */
final class YamlReader {
  private static final Factory FACTORY = new Factory();

  /** Jackson's YAML parser on SnakeYAML's parser over a {@link WholeTextReader}: linear in the text. */
  /** Jackson's parser over {@code text} on a {@link WholeTextReader} (tests compare it with the stock one). */
  static YAMLParser linearParser(String text, WholeTextReader chars) {
    return FACTORY.parser(text, chars);
  }

  private static final class Factory extends YAMLFactory {
    private static final long serialVersionUID = 1L;

    YAMLParser parser(String text, WholeTextReader reader) {
      IOContext ctxt = _createContext(_createContentReference(text), false);
      return new YAMLParser(ctxt, _parserFeatures, _yamlParserFeatures, _objectCodec,
          new StringReader(text), new ParserImpl(reader, _loaderOptions == null ? new LoaderOptions() : _loaderOptions)) {};
    }
  }

  /** Far deeper than any scenario needs, and well below what could exhaust the stack. */
  private static final int MAX_DEPTH = 40;

  private final String file;
  private final YAMLParser parser;
  private final WholeTextReader chars;

  private YamlReader(String file, YAMLParser parser, WholeTextReader chars) {
    this.file = file;
    this.parser = parser;
    this.chars = chars;
  }

  /** The document root, or null when the text holds no document at all. */
  static YamlNode read(String file, String text) {
    WholeTextReader chars = new WholeTextReader(text);
    YAMLParser parser = linearParser(text, chars);
    try (parser) {
      YamlReader r = new YamlReader(file, parser, chars);
      JsonToken first = r.next("");
      if (first == null) {
        return null;
      }
      YamlNode root = r.value(first, "", 0);
      if (r.next("") != null) {
        throw new ScenarioException(
            r.tokenLoc(), "(top level)", "more than one YAML document; a scenario is one document");
      }
      return root;
    } catch (IOException e) {
      // Only close() can land here; the document has been read by then.
      throw new ScenarioException(new Loc(file, 1, 1), "(top level)", "cannot read YAML: " + e);
    }
  }

  private YamlNode value(JsonToken token, String path, int depth) {
    Loc loc = tokenLoc();
    if (depth > MAX_DEPTH) {
      throw new ScenarioException(
          loc, YamlNode.displayPath(path), "nested more than " + MAX_DEPTH + " levels deep");
    }
    checkNotAlias(loc, path);
    return switch (token) {
      case START_OBJECT -> map(loc, path, depth);
      case START_ARRAY -> list(loc, path, depth);
      case VALUE_STRING -> scalar(YamlScalar.Kind.STRING, loc, path);
      case VALUE_NUMBER_INT -> scalar(YamlScalar.Kind.INT, loc, path);
      case VALUE_NUMBER_FLOAT -> scalar(YamlScalar.Kind.FLOAT, loc, path);
      case VALUE_TRUE, VALUE_FALSE -> scalar(YamlScalar.Kind.BOOL, loc, path);
      case VALUE_NULL -> scalar(YamlScalar.Kind.NULL, loc, path);
      default -> scalar(YamlScalar.Kind.OTHER, loc, path);
    };
  }

  private YamlMap map(Loc loc, String path, int depth) {
    Map<String, YamlMap.Entry> entries = new LinkedHashMap<>();
    for (JsonToken t = next(path); t != JsonToken.END_OBJECT; t = next(path)) {
      if (t != JsonToken.FIELD_NAME) {
        // Jackson only yields field names inside an object; guard against a truncated stream.
        throw new ScenarioException(
            tokenLoc(), YamlNode.displayPath(path), "malformed YAML: unexpected end of mapping");
      }
      Loc keyLoc = tokenLoc();
      String key = text();
      String keyPath = YamlNode.child(path, key);
      checkNotAlias(keyLoc, keyPath);
      YamlMap.Entry first = entries.get(key);
      if (first != null) {
        throw new ScenarioException(
            keyLoc,
            YamlNode.displayPath(keyPath),
            "duplicate key " + YamlScalar.quote(key) + " (first at line " + first.keyLoc().line()
                + ", column " + first.keyLoc().column() + ")");
      }
      YamlNode v = value(next(keyPath), keyPath, depth + 1);
      entries.put(key, new YamlMap.Entry(key, keyLoc, v));
    }
    return new YamlMap(entries, loc, path);
  }

  private YamlList list(Loc loc, String path, int depth) {
    List<YamlNode> items = new ArrayList<>();
    for (JsonToken t = next(path); t != JsonToken.END_ARRAY; t = next(path)) {
      String p = YamlNode.element(path, items.size());
      items.add(value(t, p, depth + 1));
    }
    return new YamlList(items, loc, path);
  }

  private YamlScalar scalar(YamlScalar.Kind kind, Loc loc, String path) {
    BigInteger integer = null;
    if (kind == YamlScalar.Kind.INT) {
      try {
        integer = parser.getBigIntegerValue();
      } catch (IOException | RuntimeException e) {
        // Longer than Jackson allows: left null, reported as out of range where it is used.
      }
    }
    return new YamlScalar(kind, text(), integer, loc, path);
  }

  private void checkNotAlias(Loc loc, String path) {
    if (parser.isCurrentAlias()) {
      throw new ScenarioException(
          loc,
          YamlNode.displayPath(path),
          "YAML aliases (*name) are not supported; write the value out");
    }
  }

  private String text() {
    try {
      String t = parser.getText();
      return t == null ? "" : t;
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  /**
   * The next token. Any failure of the YAML library is malformed input, reported at the place
   * the library points to, under the key being read.
   */
  private JsonToken next(String path) {
    try {
      JsonToken t = parser.nextToken();
      if (t == null && parser.getParsingContext().getParent() != null) {
        throw new ScenarioException(
            tokenLoc(), YamlNode.displayPath(path), "malformed YAML: unexpected end of input");
      }
      return t;
    } catch (ScenarioException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw malformed(e, path);
    }
  }

  private ScenarioException malformed(Exception e, String path) {
    Loc loc = null;
    String problem = null;
    for (Throwable c = e; c != null && loc == null; c = c.getCause()) {
      if (c instanceof ReaderException r) {
        int[] lc = chars.lineAndColumn(r.getPosition());
        loc = new Loc(file, lc[0] + 1, lc[1] + 1);
        problem = String.format("character U+%04X is not allowed in YAML (control characters and"
            + " non-characters); escape it inside a double-quoted string", r.getCodePoint());
      }
      if (c instanceof MarkedYAMLException m) {
        Mark mark = m.getProblemMark() != null ? m.getProblemMark() : m.getContextMark();
        if (mark != null) {
          loc = new Loc(file, mark.getLine() + 1, mark.getColumn() + 1);
        }
        problem = describe(m);
      }
    }
    if (loc == null && e instanceof JsonProcessingException j && j.getLocation() != null) {
      loc = loc(j.getLocation());
    }
    if (loc == null) {
      loc = new Loc(file, 1, 1);
    }
    if (problem == null) {
      problem =
          e instanceof JsonProcessingException j
              ? j.getOriginalMessage()
              : String.valueOf(e.getMessage());
    }
    return new ScenarioException(
        loc, YamlNode.displayPath(path), "malformed YAML: " + flatten(problem));
  }

  private static String describe(MarkedYAMLException m) {
    String problem = m.getProblem() != null ? m.getProblem() : m.getContext();
    if (problem == null) {
      return "syntax error";
    }
    if (problem.contains("(TAB)")) {
      return "tab character where YAML expects indentation; indent with spaces";
    }
    Mark ctx = m.getContextMark();
    if (problem.startsWith("expected <block end>") && ctx != null) {
      // snakeyaml's wording for a line indented differently from its siblings.
      return "inconsistent indentation; this line does not line up with the block started at line "
          + (ctx.getLine() + 1) + ", column " + (ctx.getColumn() + 1);
    }
    if (m.getContext() != null && ctx != null && m.getProblem() != null) {
      problem +=
          " (" + m.getContext() + " started at line " + (ctx.getLine() + 1) + ", column "
              + (ctx.getColumn() + 1) + ")";
    }
    return problem;
  }

  /** Library messages may span lines and quote the input; keep the first line only. */
  private static String flatten(String s) {
    if (s == null) {
      return "syntax error";
    }
    String line = s.strip();
    int nl = line.indexOf('\n');
    return nl < 0 ? line : line.substring(0, nl).strip();
  }

  private Loc tokenLoc() {
    return loc(parser.currentTokenLocation());
  }

  private Loc loc(JsonLocation l) {
    return new Loc(file, Math.max(1, l.getLineNr()), Math.max(1, l.getColumnNr()));
  }
}
