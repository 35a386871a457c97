package irqlab.scenario;

import java.util.List;
import java.util.Optional;

/**
 * A parsed and validated scenario: a machine, its devices, the drivers bound to them, a timeline
 * of actions and the expected outcome. {@code source} names where the text came from (a file
 * path or a built-in resource), as used in every {@link Loc}.
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
    String source) {

  public Scenario {
    devices = List.copyOf(devices);
    drivers = List.copyOf(drivers);
    timeline = List.copyOf(timeline);
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
