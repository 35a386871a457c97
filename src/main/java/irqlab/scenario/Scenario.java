package irqlab.scenario;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed and validated scenario: a machine, its devices, the drivers bound to them, a timeline
 * of actions and the expected outcome. {@code source} names where the text came from (a file
 * path or a built-in resource), as used in every {@link Loc}; {@code locations} maps each key path
 * the file writes ({@code devices[0].type}) to where its value is.
 */
public record Scenario(
    String name,
    String description,
    long seed,
    MachineSpec machine,
    List<DeviceSpec> devices,
    List<DriverSpec> drivers,
    List<TimelineEntry> timeline,
    Expectations expect,
    String source,
    Map<String, Loc> locations) {

  public Scenario {
    devices = List.copyOf(devices);
    drivers = List.copyOf(drivers);
    timeline = List.copyOf(timeline);
    locations = Collections.unmodifiableMap(new HashMap<>(locations));
  }

  /** A scenario built without a file: every key located at the top of {@code source}. */
  public Scenario(String name, String description, long seed, MachineSpec machine, List<DeviceSpec> devices,
      List<DriverSpec> drivers, List<TimelineEntry> timeline, Expectations expect, String source) {
    this(name, description, seed, machine, devices, drivers, timeline, expect, source, Map.of());
  }

  /** The key path of {@code d} in the file: {@code devices[2]}. */
  public String keyOf(DeviceSpec d) {
    return "devices[" + devices.indexOf(d) + "]";
  }

  /** The key path of {@code d} in the file: {@code drivers[0]}. */
  public String keyOf(DriverSpec d) {
    return "drivers[" + drivers.indexOf(d) + "]";
  }

  /** The first of {@code base.key} for {@code keys} that the file writes, else {@code base}. */
  public String written(String base, String... keys) {
    for (String k : keys) {
      if (locations.containsKey(base + "." + k)) {
        return base + "." + k;
      }
    }
    return base;
  }

  /** Bad input at {@code keyPath}, located as the parser locates it (for checks after parsing). */
  public ScenarioException refuse(String keyPath, String problem) {
    return new ScenarioException(locate(keyPath), keyPath, problem);
  }

  /**
   * Where the value of {@code keyPath} ({@code devices[0].type}) is written; for a key the file
   * leaves out, where its nearest written parent is. Later stages refuse what they do not model
   * at the key this way.
   */
  public Loc locate(String keyPath) {
    for (String p = keyPath; ; ) {
      Loc l = locations.get(p);
      if (l != null) {
        return l;
      }
      int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
      if (cut <= 0) {
        return locations.getOrDefault("", new Loc(source, 1, 1));
      }
      p = p.substring(0, cut);
    }
  }

  public Optional<DeviceSpec> device(String id) {
    return devices.stream().filter(d -> d.id().equals(id)).findFirst();
  }

  /** The time of the timeline's {@code mark: name}, if there is one. */
  public Optional<Long> markTime(String name) {
    return timeline.stream().filter(e -> e.action() instanceof Action.Mark m && m.name().equals(name))
        .map(TimelineEntry::atNs).findFirst();
  }

  /** The timeline's mark names, in order. */
  public List<String> marks() {
    return timeline.stream().filter(e -> e.action() instanceof Action.Mark).map(e -> ((Action.Mark) e.action()).name())
        .toList();
  }

  /** The driver bound to device {@code deviceId}, if the scenario declares one. */
  public Optional<DriverSpec> driverFor(String deviceId) {
    return drivers.stream().filter(d -> d.device().equals(deviceId)).findFirst();
  }
}
