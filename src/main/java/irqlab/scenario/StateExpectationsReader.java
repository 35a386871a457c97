package irqlab.scenario;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads {@code expect.state}: a mapping from interrupt name to the properties its descriptor must
 * have at the end, e.g. {@code nic0/msix/1: { depth: 1, started: false }}.
 */
final class StateExpectationsReader {
  private final Inventory inventory;

  StateExpectationsReader(Inventory inventory) {
    this.inventory = inventory;
  }

  List<StateExpectation> read(YamlNode node) {
    if (node == null) {
      return List.of();
    }
    YamlMap m = node.asMap("a mapping from interrupt name to its expected state");
    List<StateExpectation> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (YamlMap.Entry e : m.entries().values()) {
      YamlNode keyNode =
          new YamlScalar(
              YamlScalar.Kind.STRING, e.key(), null, e.keyLoc(), YamlNode.child(m.path(), e.key()));
      String irq = inventory.irq(keyNode, e.key()).toString();
      if (!seen.add(irq)) {
        throw keyNode.error("'" + irq + "' already has a state");
      }
      out.add(new StateExpectation(irq, checks(e.value()), e.value().loc()));
    }
    return out;
  }

  private List<StateExpectation.Check> checks(YamlNode node) {
    YamlMap m = node.asMap("a mapping of state properties like { depth: 1, started: false }");
    m.allowOnly(StateExpectation.KEYS);
    if (m.entries().isEmpty()) {
      throw m.error("expected at least one of: " + String.join(", ", StateExpectation.KEYS));
    }
    List<StateExpectation.Check> checks = new ArrayList<>();
    for (YamlMap.Entry e : m.entries().values()) {
      YamlNode v = e.value();
      String expected = switch (e.key()) {
        case "depth" -> Long.toString(
            v.asScalar("a disable depth").integer(0, Integer.MAX_VALUE, "a disable depth of 0 or more"));
        case "affinity", "effective" -> inventory.cpuMask(v).toList();
        default -> Boolean.toString(v.asScalar("true or false").bool());
      };
      checks.add(new StateExpectation.Check(e.key(), expected, v.loc()));
    }
    return checks;
  }
}
