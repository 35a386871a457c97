package irqlab.scenario;

/**
 * A YAML value with the location it starts at and its key path from the document root. Jackson's
 * own tree forgets locations, and every error message needs one.
 */
sealed interface YamlNode permits YamlMap, YamlList, YamlScalar {

  Loc loc();

  /** The key path, e.g. {@code devices[0].msix.table}; empty for the document root. */
  String path();

  /** How to name this value after "got": {@code 'four'}, {@code 2.5}, {@code a list}. */
  String describe();

  default ScenarioException error(String problem) {
    return new ScenarioException(loc(), displayPath(path()), problem);
  }

  default YamlMap asMap(String expected) {
    if (this instanceof YamlMap m) {
      return m;
    }
    throw error("expected " + expected + ", got " + describe());
  }

  default YamlList asList(String expected) {
    if (this instanceof YamlList l) {
      return l;
    }
    throw error("expected " + expected + ", got " + describe());
  }

  default YamlScalar asScalar(String expected) {
    if (this instanceof YamlScalar s && s.kind() != YamlScalar.Kind.NULL) {
      return s;
    }
    throw error("expected " + expected + ", got " + describe());
  }

  /** Any non-empty scalar's text: YAML may type an id like {@code 0x1} or {@code no} otherwise. */
  default String string(String expected) {
    return asScalar(expected).text();
  }

  static String displayPath(String path) {
    return path.isEmpty() ? "(top level)" : path;
  }

  static String child(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  static String element(String path, int index) {
    return path + "[" + index + "]";
  }
}
