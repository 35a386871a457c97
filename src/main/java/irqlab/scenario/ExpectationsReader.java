package irqlab.scenario;

import irqlab.kernel.Errno;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads {@code expect}: expected violations, bounds on delivered and spurious counts, end states. */
final class ExpectationsReader {
  private static final Pattern COMPARISON =
      Pattern.compile("\\s*(>=|<=|==|>|<)\\s*([0-9]{1,18})\\s*");

  private final Inventory inventory;

  ExpectationsReader(Inventory inventory) {
    this.inventory = inventory;
  }

  /** The expectations; {@code fileLoc} locates them when the scenario has no {@code expect}. */
  Expectations read(YamlNode node, Loc fileLoc) {
    if (node == null) {
      return Expectations.none(fileLoc);
    }
    YamlMap m = node.asMap("a mapping with 'violations', 'delivered', 'spurious', 'state', 'probe', 'vmd'");
    m.allowOnly("violations", "delivered", "spurious", "state", "probe", "vmd");
    YamlNode v = m.get("violations");
    List<String> violations = v == null ? List.of() : violations(v);
    return new Expectations(
        violations,
        counts(m.get("delivered")),
        counts(m.get("spurious")),
        new StateExpectationsReader(inventory).read(m.get("state")),
        m.loc(),
        v == null ? m.loc() : v.loc(),
        probes(m.get("probe")),
        vmdBounds(m.get("vmd")));
  }

  /** {@code probe: { acc0: ENOTSUPP }}: how the probes of devices with a driver end. */
  private Map<String, String> probes(YamlNode node) {
    if (node == null) {
      return Map.of();
    }
    YamlMap m = node.asMap("a mapping from device id to OK or an error such as ENOTSUPP");
    Map<String, String> probes = new LinkedHashMap<>();
    List<String> allowed = new ArrayList<>();
    allowed.add(Expectations.PROBE_OK);
    for (Errno e : Errno.values()) {
      allowed.add(e.name());
    }
    for (YamlMap.Entry e : m.entries().values()) {
      YamlNode keyNode = new YamlScalar(YamlScalar.Kind.STRING, e.key(), null, e.keyLoc(),
          YamlNode.child(m.path(), e.key()));
      DeviceSpec device = inventory.device(keyNode, e.key());
      inventory.driver(keyNode, device);
      probes.put(device.id(), ScenarioReader.oneOf(e.value(), allowed, "probe outcome"));
    }
    return probes;
  }

  /** {@code vmd: { vmd0: { children-per-vector: "<= 2", idle-child-runs: "< 1000" } }}. */
  private List<Expectations.VmdBound> vmdBounds(YamlNode node) {
    if (node == null) {
      return List.of();
    }
    YamlMap m = node.asMap("a mapping from a vmd device id to its bounds");
    List<Expectations.VmdBound> bounds = new ArrayList<>();
    for (YamlMap.Entry e : m.entries().values()) {
      YamlNode keyNode = new YamlScalar(YamlScalar.Kind.STRING, e.key(), null, e.keyLoc(),
          YamlNode.child(m.path(), e.key()));
      if (!inventory.device(keyNode, e.key()).type().equals("vmd")) {
        throw keyNode.error("device '" + e.key() + "' is no vmd; vmd bounds name a vmd device");
      }
      YamlMap b = e.value().asMap("a mapping of " + String.join(", ", Expectations.VMD_KEYS));
      b.allowOnly(Expectations.VMD_KEYS);
      for (String k : Expectations.VMD_KEYS) {
        YamlNode c = b.get(k);
        if (c != null) {
          bounds.add(new Expectations.VmdBound(e.key(), k, comparison(c), c.loc()));
        }
      }
    }
    return bounds;
  }

  private static List<String> violations(YamlNode node) {
    if (node instanceof YamlScalar s && s.kind() == YamlScalar.Kind.STRING
        && s.text().equals("none")) {
      return List.of();
    }
    List<YamlNode> items =
        node instanceof YamlList l
            ? l.items()
            : List.of(node.asScalar("none or a list of violation names"));
    List<String> names = new ArrayList<>();
    for (YamlNode item : items) {
      String name = item.string("a violation name");
      if (!Expectations.VIOLATIONS.contains(name)) {
        throw item.error(
            "unknown violation " + YamlScalar.quote(name) + "; expected one of: "
                + String.join(", ", Expectations.VIOLATIONS));
      }
      if (names.contains(name)) {
        throw item.error("violation '" + name + "' is listed twice");
      }
      names.add(name);
    }
    return names;
  }

  private List<Expectations.Count> counts(YamlNode node) {
    if (node == null) {
      return List.of();
    }
    YamlMap m = node.asMap("a mapping from device or interrupt name to a bound like \">= 1000\"");
    List<Expectations.Count> counts = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (YamlMap.Entry e : m.entries().values()) {
      YamlNode keyNode =
          new YamlScalar(
              YamlScalar.Kind.STRING,
              e.key(),
              null,
              e.keyLoc(),
              YamlNode.child(m.path(), e.key()));
      String subject = e.key();
      if (subject.contains("/")) {
        subject = inventory.irq(keyNode, subject).toString();
      } else {
        inventory.device(keyNode, subject);
      }
      if (!seen.add(subject)) {
        throw keyNode.error("'" + subject + "' already has a bound");
      }
      counts.add(new Expectations.Count(subject, comparison(e.value()), e.value().loc()));
    }
    return counts;
  }

  private static Comparison comparison(YamlNode node) {
    String what = "a bound like \">= 1000\" (operators >=, <=, ==, >, <)";
    YamlScalar s = node.asScalar(what);
    if (s.kind() == YamlScalar.Kind.INT) {
      // A bare number means exactly that many.
      return new Comparison("==", s.integer(0, Long.MAX_VALUE, "a non-negative count"));
    }
    Matcher m = COMPARISON.matcher(s.text());
    if (s.kind() != YamlScalar.Kind.STRING || !m.matches()) {
      throw s.error("expected " + what + ", got " + s.describe());
    }
    return new Comparison(m.group(1), Long.parseLong(m.group(2)));
  }
}
