package irqlab.scenario;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The scenarios shipped in the jar: {@code /scenarios/<name>.yaml}, listed one name per line in
 * {@code /scenarios/index.txt} (blank lines and {@code #} comments ignored).
 */
public final class BuiltinScenarios {
  private static final BuiltinScenarios SHIPPED = new BuiltinScenarios("/scenarios");

  private final String root;

  /** A catalog under another resource directory; tests use their own. */
  BuiltinScenarios(String root) {
    this.root = root;
  }

  public static List<String> names() {
    return SHIPPED.list();
  }

  public static boolean exists(String name) {
    return SHIPPED.contains(name);
  }

  /**
   * The YAML text of built-in {@code name}.
   *
   * @throws IllegalArgumentException if there is no such built-in
   */
  public static String text(String name) {
    return SHIPPED.textOf(name);
  }

  /** The parsed built-in; its {@link Loc}s name the resource, e.g. {@code scenarios/x.yaml}. */
  public static Scenario load(String name) {
    return SHIPPED.loadScenario(name);
  }

  /** The built-in's description, empty when it has none. */
  public static String describe(String name) {
    return load(name).description();
  }

  List<String> list() {
    String index = resource(root + "/index.txt");
    if (index == null) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    for (String line : index.split("\n")) {
      String n = line.strip();
      if (!n.isEmpty() && !n.startsWith("#")) {
        names.add(n);
      }
    }
    return List.copyOf(names);
  }

  boolean contains(String name) {
    return list().contains(name);
  }

  String textOf(String name) {
    String text = contains(name) ? resource(root + "/" + name + ".yaml") : null;
    if (text == null) {
      throw new IllegalArgumentException(
          "no built-in scenario '" + name + "'; built-in scenarios: " + String.join(", ", list()));
    }
    return text;
  }

  Scenario loadScenario(String name) {
    return ScenarioParser.parse(root.substring(1) + "/" + name + ".yaml", textOf(name));
  }

  private static String resource(String path) {
    try (InputStream in = BuiltinScenarios.class.getResourceAsStream(path)) {
      if (in == null) {
        return null;
      }
      StringBuilder sb = new StringBuilder();
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        char[] buf = new char[8192];
        for (int n; (n = r.read(buf)) > 0; ) {
          sb.append(buf, 0, n);
        }
      }
      return sb.toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read resource " + path, e);
    }
  }
}
