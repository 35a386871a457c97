package irqlab.scenario;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** A YAML mapping with string keys, in file order, remembering where each key is written. */
record YamlMap(Map<String, Entry> entries, Loc loc, String path) implements YamlNode {

  /** One key: its text, its location and its value. */
  record Entry(String key, Loc keyLoc, YamlNode value) {}

  /** Takes {@code entries} over (only the reader builds maps, each from a fresh one): no copy. */
  YamlMap {
    entries = Collections.unmodifiableMap(entries);
  }

  @Override
  public String describe() {
    return "a mapping";
  }

  /** Rejects the first key not in {@code allowed}, at that key. */
  void allowOnly(Collection<String> allowed) {
    for (Entry e : entries.values()) {
      if (!allowed.contains(e.key())) {
        throw keyError(
            e.key(),
            "unknown key " + YamlScalar.quote(e.key()) + "; expected one of: "
                + String.join(", ", allowed));
      }
    }
  }

  void allowOnly(String... allowed) {
    allowOnly(List.of(allowed));
  }

  boolean has(String key) {
    return get(key) != null;
  }

  /** The value of {@code key}, or null when absent or empty ({@code key:} or {@code key: ~}). */
  YamlNode get(String key) {
    Entry e = entries.get(key);
    if (e == null
        || e.value() instanceof YamlScalar s && s.kind() == YamlScalar.Kind.NULL) {
      return null;
    }
    return e.value();
  }

  /** The value of {@code key}; {@code expected} says what it should be when it is missing. */
  YamlNode require(String key, String expected) {
    YamlNode v = get(key);
    if (v == null) {
      if (entries.containsKey(key)) {
        throw entries.get(key).value().error("expected " + expected + ", got an empty value");
      }
      throw error("missing required key '" + key + "' (" + expected + ")");
    }
    return v;
  }

  /** An error about the key itself rather than its value. */
  ScenarioException keyError(String key, String problem) {
    Entry e = entries.get(key);
    return new ScenarioException(
        e.keyLoc(), YamlNode.displayPath(YamlNode.child(path, key)), problem);
  }
}
