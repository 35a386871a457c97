package irqlab.scenario;

import irqlab.scenario.Action.IrqOp;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Reads the {@code timeline}: entries of one {@code at} and one action, in time order. */
final class TimelineReader {
  private static final List<String> ENTRY_KEYS = entryKeys();

  private final Inventory inventory;

  TimelineReader(Inventory inventory) {
    this.inventory = inventory;
  }

  private static List<String> entryKeys() {
    List<String> keys = new ArrayList<>();
    keys.add("at");
    keys.addAll(Action.KEYS);
    return List.copyOf(keys);
  }

  List<TimelineEntry> read(YamlNode node) {
    if (node == null) {
      return List.of();
    }
    List<TimelineEntry> entries = new ArrayList<>();
    long previous = 0;
    for (YamlNode item : node.asList("a list of timeline entries").items()) {
      YamlMap e = item.asMap("a timeline entry mapping with 'at' and one action");
      e.allowOnly(ENTRY_KEYS);
      YamlNode atNode = e.require("at", "the time of the action, e.g. 2ms");
      long at = duration(atNode);
      if (at < previous) {
        throw atNode.error(
            "timeline out of order: at " + Durations.format(at) + " comes after an entry at "
                + Durations.format(previous) + "; list entries by time");
      }
      previous = at;
      Action a = action(e);
      long forNs = a instanceof Action.Traffic t ? t.forNs() : a instanceof Action.Storm st ? st.forNs() : 0;
      if (forNs > Long.MAX_VALUE - at) {
        throw e.require(a.key(), "the action's arguments").asMap("a mapping").require("for", "a duration")
            .error("at + for ends after " + Durations.format(Long.MAX_VALUE) + ", the last time irqlab can"
                + " represent");
      }
      entries.add(new TimelineEntry(at, a, e.loc()));
    }
    return entries;
  }

  private Action action(YamlMap e) {
    String key = null;
    for (String k : e.entries().keySet()) {
      if (k.equals("at")) {
        continue;
      }
      if (key != null) {
        throw e.keyError(
            k, "one action per timeline entry; this entry already has '" + key + "'");
      }
      key = k;
    }
    if (key == null) {
      throw e.error("missing an action; expected one of: " + String.join(", ", Action.KEYS));
    }
    YamlNode v = e.require(key, "the action's arguments");
    IrqOp.Op op = IrqOp.Op.ofKey(key);
    if (op != null) {
      return irqOp(op, v);
    }
    return switch (key) {
      case "traffic" -> traffic(v);
      case "storm" -> storm(v);
      case "set-affinity" -> setAffinity(v);
      case "msix-alloc" -> msixAlloc(v);
      case "unbind" -> new Action.Unbind(boundDevice(v).id());
      case "bind" -> new Action.Bind(boundDevice(v).id());
      case "cpu-offline" -> new Action.CpuOffline(inventory.cpu(v));
      case "cpu-online" -> new Action.CpuOnline(inventory.cpu(v));
      case "spoof-msi" -> spoofMsi(v);
      case "link-up" -> link(v, true);
      case "link-down" -> link(v, false);
      case "mark" -> mark(v);
      default -> throw new AssertionError(key);
    };
  }

  private Action traffic(YamlNode node) {
    YamlMap m = node.asMap("a mapping with 'device', 'queues', 'rate', 'for'");
    m.allowOnly("device", "queues", "rate", "for");
    DeviceSpec device = inventory.device(m.require("device", "the id of a device"));
    List<Integer> queues = queues(m.get("queues"), device);
    YamlNode rateNode = m.require("rate", "a rate per queue like 100k/s");
    double rate;
    try {
      rate = Rates.parse(rateNode.string("a rate like 100k/s"));
    } catch (IllegalArgumentException ex) {
      throw rateNode.error(ex.getMessage());
    }
    YamlNode forNode = m.require("for", "how long the traffic lasts, e.g. 10ms");
    long forNs = duration(forNode);
    if (forNs == 0) {
      throw forNode.error("expected a duration above 0, got " + forNode.describe());
    }
    return new Action.Traffic(device.id(), queues, rate, forNs, m.loc());
  }

  private Action storm(YamlNode node) {
    YamlMap m = node.asMap("a mapping with 'device', 'queue', 'rate', 'for'");
    m.allowOnly("device", "queue", "rate", "for");
    DeviceSpec device = inventory.device(m.require("device", "the id of a device"));
    YamlNode queueNode = m.require("queue", "the queue whose interrupt is stuck, e.g. 0");
    if (device.queues() == 0) {
      throw queueNode.error("device '" + device.id() + "' has no queues (queues: 0)");
    }
    String what = "a queue number below " + device.queues() + " (device '" + device.id() + "')";
    int queue = queueNode.asScalar(what).intValue(0, device.queues() - 1, what);
    YamlNode rateNode = m.require("rate", "how often the line fires, like 1M/s");
    double rate;
    try {
      rate = Rates.parse(rateNode.string("a rate like 1M/s"));
    } catch (IllegalArgumentException ex) {
      throw rateNode.error(ex.getMessage());
    }
    YamlNode forNode = m.require("for", "how long the storm lasts, e.g. 200ms");
    long forNs = duration(forNode);
    if (forNs == 0) {
      throw forNode.error("expected a duration above 0, got " + forNode.describe());
    }
    return new Action.Storm(device.id(), queue, rate, forNs, m.loc());
  }

  /** Queue numbers, or the empty list for {@code all} (also the default). */
  private static List<Integer> queues(YamlNode node, DeviceSpec device) {
    if (device.queues() == 0) {
      if (node == null) {
        return List.of();
      }
      throw node.error("device '" + device.id() + "' has no queues (queues: 0)");
    }
    if (node == null
        || node instanceof YamlScalar s && s.kind() == YamlScalar.Kind.STRING
            && s.text().equals("all")) {
      return List.of();
    }
    String what = "a queue number below " + device.queues() + " (device '" + device.id() + "')";
    List<YamlNode> items =
        node instanceof YamlList l ? l.items() : List.of(node.asScalar("all or a list of queues"));
    if (items.isEmpty()) {
      throw node.error("expected all or at least one queue, got an empty list");
    }
    Set<Integer> queues = new LinkedHashSet<>();
    for (YamlNode q : items) {
      if (!queues.add(q.asScalar(what).intValue(0, device.queues() - 1, what))) {
        throw q.error("queue " + q.describe() + " is listed twice");
      }
    }
    return List.copyOf(queues);
  }

  private Action setAffinity(YamlNode node) {
    YamlMap m = node.asMap("a mapping with 'irq' and 'cpus'");
    m.allowOnly("irq", "cpus");
    IrqName irq = inventory.irq(m.require("irq", "an interrupt name like nic0/msix/3"));
    return new Action.SetAffinity(
        irq, inventory.cpuMask(m.require("cpus", "a cpu list like \"0-3\" or [2, 3]")));
  }

  private Action irqOp(IrqOp.Op op, YamlNode node) {
    YamlMap m = node.asMap("a mapping with 'irq'");
    m.allowOnly("irq");
    YamlNode irqNode = m.require("irq", "an interrupt name like nic0/msix/3");
    IrqName irq = inventory.irq(irqNode);
    if (op == IrqOp.Op.MSIX_FREE && !irq.kind().equals("msix")) {
      throw irqNode.error("msix-free frees an MSI-X interrupt, got '" + irq + "'");
    }
    return new IrqOp(op, irq);
  }

  private DeviceSpec boundDevice(YamlNode node) {
    YamlMap m = node.asMap("a mapping with 'device'");
    m.allowOnly("device");
    YamlNode devNode = m.require("device", "the id of a device with a driver");
    DeviceSpec device = inventory.device(devNode);
    inventory.driver(devNode, device);
    return device;
  }

  private Action msixAlloc(YamlNode node) {
    YamlMap m = node.asMap("a mapping with 'device' and 'index'");
    m.allowOnly("device", "index");
    YamlNode devNode = m.require("device", "the id of a device with an MSI-X driver");
    DeviceSpec device = inventory.device(devNode);
    DriverSpec driver = inventory.driver(devNode, device);
    if (device.linuxDriver()) {
      throw devNode.error("msix-alloc adds a vector as irqlab's nic and vfio drivers do; the "
          + device.type() + " driver does not");
    }
    if (!driver.vectors().kind().equals("msix")) {
      throw devNode.error(
          "device '" + device.id() + "' uses " + driver.vectors().kind() + " vectors; msix-alloc"
              + " needs a driver with kind msix");
    }
    YamlNode indexNode = m.get("index");
    Integer index = null;
    if (indexNode != null
        && !(indexNode instanceof YamlScalar s && s.kind() == YamlScalar.Kind.STRING
            && s.text().equals("any"))) {
      // An index at or beyond the table is the kernel's ERANGE at run time (msi_insert_desc), not
      // bad input; only what no unsigned int index can be is refused here.
      String what = "any or a non-negative MSI-X table index";
      index = indexNode.asScalar(what).intValue(0, Integer.MAX_VALUE, what);
    }
    return new Action.MsixAlloc(device.id(), index);
  }

  /** Device types with a network interface the administrator brings up and down. */
  static final List<String> NETWORK_TYPES = List.of("virtio-net", "e1000e");

  private Action link(YamlNode node, boolean up) {
    YamlMap m = node.asMap("a mapping with 'device'");
    m.allowOnly("device");
    YamlNode devNode = m.require("device", "the id of a network device with a driver");
    DeviceSpec device = inventory.device(devNode);
    if (!NETWORK_TYPES.contains(device.type())) {
      throw devNode.error("device '" + device.id() + "' is a " + device.type() + ", which has no network interface to"
          + " bring " + (up ? "up" : "down") + "; expected a " + String.join(" or ", NETWORK_TYPES));
    }
    inventory.driver(devNode, device);
    return new Action.Link(device.id(), up);
  }

  private final java.util.Set<String> marks = new java.util.HashSet<>();

  private Action mark(YamlNode node) {
    String name = node.string("a mark name of letters, digits, '_' and '-'");
    if (!name.matches("[A-Za-z0-9_-]+")) {
      throw node.error("expected a mark name of letters, digits, '_' and '-', got " + YamlScalar.quote(name));
    }
    if (!marks.add(name)) {
      throw node.error("mark '" + name + "' is given twice");
    }
    return new Action.Mark(name);
  }

  private Action spoofMsi(YamlNode node) {
    YamlMap m = node.asMap("a mapping with 'device', 'address', 'data'");
    m.allowOnly("device", "address", "data");
    DeviceSpec device = inventory.device(m.require("device", "the id of the device that writes"));
    BigInteger address =
        number(m.require("address", "an MSI address like 0xfee00000"), 64, "a 64-bit address");
    BigInteger data = number(m.require("data", "MSI data like 0x41"), 32, "a 32-bit data value");
    return new Action.SpoofMsi(device.id(), address.longValue(), data.intValue());
  }

  /** Hex ({@code 0x..}) or decimal, unsigned, at most {@code bits} wide. */
  private static BigInteger number(YamlNode node, int bits, String what) {
    String text = node.string(what + " (hex 0x.. or decimal)");
    BigInteger n = null;
    if (text.matches("0[xX][0-9a-fA-F]{1,40}")) {
      n = new BigInteger(text.substring(2), 16);
    } else if (text.matches("[0-9]{1,40}")) {
      n = new BigInteger(text);
    }
    if (n == null || n.bitLength() > bits) {
      throw node.error("expected " + what + " (hex 0x.. or decimal), got " + node.describe());
    }
    return n;
  }

  /** A duration; YAML types a bare {@code 0} as a number, which is allowed. */
  static long duration(YamlNode node) {
    YamlScalar s = node.asScalar("a duration like 2ms");
    try {
      return Durations.parse(s.text());
    } catch (IllegalArgumentException e) {
      throw s.error(e.getMessage());
    }
  }
}
