package irqlab.scenario;

import irqlab.kernel.cpu.CpuMask;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a scenario declared before its timeline: the machine, devices and drivers. Answers the
 * cross-reference questions of later sections (does this device exist, is this interrupt name
 * valid, is this CPU present) with errors at the referring node.
 */
final class Inventory {
  private final MachineSpec machine;
  private final Map<String, DeviceSpec> devices = new LinkedHashMap<>();
  private final Map<String, DriverSpec> drivers = new LinkedHashMap<>();
  private final Map<String, String> driverPaths = new LinkedHashMap<>();

  Inventory(MachineSpec machine, Iterable<DeviceSpec> devices) {
    this.machine = machine;
    for (DeviceSpec d : devices) {
      this.devices.put(d.id(), d);
    }
  }

  void addDriver(DriverSpec driver, String path) {
    drivers.put(driver.device(), driver);
    driverPaths.put(driver.device(), path);
  }

  /** The device whose id is the value of {@code node}. */
  DeviceSpec device(YamlNode node) {
    return device(node, node.string("a device id"));
  }

  DeviceSpec device(YamlNode node, String id) {
    DeviceSpec d = devices.get(id);
    if (d == null) {
      throw node.error(
          "unknown device " + YamlScalar.quote(id) + "; "
              + (devices.isEmpty()
                  ? "the scenario declares no devices"
                  : "declared devices: " + String.join(", ", devices.keySet())));
    }
    return d;
  }

  /** The driver of {@code device}, which must have one for {@code node} to make sense. */
  DriverSpec driver(YamlNode node, DeviceSpec device) {
    DriverSpec d = drivers.get(device.id());
    if (d == null) {
      throw node.error(
          "device '" + device.id() + "' has no driver; add one under 'drivers' to use its"
              + " interrupts");
    }
    return d;
  }

  /** Where {@code deviceId}'s driver is declared, e.g. {@code drivers[0]}. */
  String driverPath(String deviceId) {
    return driverPaths.get(deviceId);
  }

  boolean hasDriver(String deviceId) {
    return drivers.containsKey(deviceId);
  }

  /**
   * The interrupt named by {@code node}, checked against the device's driver: the kind must be
   * the one the driver allocates and the index within what it can have. MSI-X indices go up to
   * the table size because {@code msix-alloc} adds entries after enable.
   */
  IrqName irq(YamlNode node) {
    String text = node.string("an interrupt name <device>/<msi|msix|ims|intx>/<index>");
    return irq(node, text);
  }

  IrqName irq(YamlNode node, String text) {
    IrqName irq;
    try {
      irq = IrqName.parse(text);
    } catch (IllegalArgumentException e) {
      throw node.error(e.getMessage());
    }
    DeviceSpec device = device(node, irq.device());
    DriverSpec driver = driver(node, device);
    if (device.linuxDriver()) {
      return linuxDriverIrq(node, text, irq, device);
    }
    VectorsSpec v = driver.vectors();
    // An accelerator's IMS driver also owns MSI-X entry 0, its control interrupt.
    boolean control = device.type().equals("accelerator") && device.hasMsix() && irq.kind().equals("msix");
    if (control && irq.index() > 0) {
      throw node.error("interrupt index " + irq.index() + " out of range in '" + text
          + "': an accelerator's driver uses MSI-X entry 0 only, its control interrupt (indices 0..0)");
    }
    if (!v.kind().equals(irq.kind()) && !control) {
      throw node.error(
          "device '" + device.id() + "' uses " + v.kind() + " vectors ("
              + driverPath(device.id()) + ".vectors.kind), so '" + text
              + "' names no interrupt");
    }
    int limit = control ? 1
        : irq.kind().equals("msix") ? device.msix().table()
        : irq.kind().equals("msi") ? Math.min(v.max(), device.msi().vectors()) : v.max();
    checkIndex(node, text, irq, limit);
    return irq;
  }

  private static void checkIndex(YamlNode node, String text, IrqName irq, int limit) {
    if (irq.index() >= limit) {
      String why =
          irq.kind().equals("msix")
              ? "its MSI-X table has " + limit + " entries"
              : irq.kind().equals("intx")
                  ? "INTx is a single line"
                  : "its driver allocates at most " + limit + " " + irq.kind() + " vector"
                      + (limit == 1 ? "" : "s");
      throw node.error(
          "interrupt index " + irq.index() + " out of range in '" + text + "': " + why
              + " (indices 0.." + (limit - 1) + ")");
    }
  }

  /**
   * A Linux driver picks its interrupt mode at probe (falling back from MSI-X to MSI to INTx), so
   * any mode the device offers may name an interrupt; the run says when it names none.
   */
  private IrqName linuxDriverIrq(YamlNode node, String text, IrqName irq, DeviceSpec device) {
    int limit = switch (irq.kind()) {
      case "msix" -> device.hasMsix() ? device.msix().table() : 0;
      case "msi" -> device.hasMsi() ? device.msi().vectors() : 0;
      case "intx" -> 1;
      default -> 0;
    };
    if (limit == 0) {
      throw node.error("device '" + device.id() + "' (" + device.type() + ") has no " + irq.kind()
          + " interrupts, so '" + text + "' names none");
    }
    checkIndex(node, text, irq, limit);
    return irq;
  }

  int cpus() {
    return machine.cpus();
  }

  /** A CPU number given by a YAML integer. */
  int cpu(YamlNode node) {
    return node.asScalar(cpuPhrase()).intValue(0, machine.cpus() - 1, cpuPhrase());
  }

  String cpuPhrase() {
    return "a cpu number below " + machine.cpus();
  }

  /**
   * A non-empty CPU set: a cpulist string ({@code "0-3,6"}), a single number or a YAML list of
   * numbers, every CPU below {@code machine.cpus}.
   */
  CpuMask cpuMask(YamlNode node) {
    CpuMask mask = CpuMask.EMPTY;
    if (node instanceof YamlList list) {
      for (YamlNode item : list.items()) {
        mask = mask.with(cpu(item));
      }
    } else {
      YamlScalar s = node.asScalar("a cpu list like \"0-3\" or [2, 3]");
      if (s.kind() == YamlScalar.Kind.INT) {
        mask = CpuMask.of(cpu(s));
      } else {
        mask = cpuList(s);
      }
    }
    if (mask.isEmpty()) {
      throw node.error("expected at least one cpu, got an empty list");
    }
    return mask;
  }

  // Parsed here rather than by CpuMask.parseList so that an absent CPU is reported with the
  // machine's limit instead of the model's 1024.
  private CpuMask cpuList(YamlScalar s) {
    String text = s.text().strip();
    if (!text.matches("[0-9]{1,9}(-[0-9]{1,9})?( *, *[0-9]{1,9}(-[0-9]{1,9})?)*")) {
      throw s.error("expected a cpu list like \"0-3\", \"1,3,5\" or [2, 3], got " + s.describe());
    }
    CpuMask mask = CpuMask.EMPTY;
    for (String part : text.split(",")) {
      String[] ends = part.strip().split("-");
      int from = Integer.parseInt(ends[0]);
      int to = ends.length == 2 ? Integer.parseInt(ends[1]) : from;
      if (to < from) {
        throw s.error("cpu range '" + part.strip() + "' runs backwards");
      }
      if (to >= machine.cpus()) {
        throw s.error("expected " + cpuPhrase() + ", got " + to + " in " + s.describe());
      }
      mask = mask.or(CpuMask.range(from, to));
    }
    return mask;
  }
}
