package irqlab.scenario;

import java.util.List;

/** A YAML sequence. */
record YamlList(List<YamlNode> items, Loc loc, String path) implements YamlNode {
  /** Takes {@code items} over (only the reader builds lists, each from a fresh one): no copy. */
  YamlList {
    items = java.util.Collections.unmodifiableList(items);
  }

  @Override
  public String describe() {
    return "a list";
  }
}
