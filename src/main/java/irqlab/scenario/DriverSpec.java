package irqlab.scenario;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A driver bound to a device, the interrupt vectors it asks for and its module parameters. For
 * the Linux drivers ({@link DeviceSpec#LINUX_DRIVER_TYPES}) the driver asks for what the Linux
 * driver asks for: {@code vectors.max}, when given, caps the count, and {@code vectors.kind} (null
 * when not given) the most capable interrupt mode it may use.
 */
public record DriverSpec(String device, String driver, VectorsSpec vectors, Map<String, Integer> params, Loc loc) {
  /** The module parameters each Linux driver takes, by device type. */
  public static final Map<String, List<String>> PARAMS = Map.of(
      "nvme", List.of("write_queues", "poll_queues"));

  public DriverSpec {
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
  }

  public DriverSpec(String device, String driver, VectorsSpec vectors, Loc loc) {
    this(device, driver, vectors, Map.of(), loc);
  }

  /** Module parameter {@code name}, or {@code dflt} when the scenario does not set it. */
  public int param(String name, int dflt) {
    return params.getOrDefault(name, dflt);
  }
}
