package irqlab.sim.devices;

import java.util.LinkedHashMap;
import java.util.Map;

/** The device types a scenario may use, by name. */
public final class DeviceTypes {
  /** Rank of irqlab's generic model drivers: after every built-in Linux driver. */
  static final int GENERIC_INITCALL = 1000;

  private static final Map<String, DeviceType> TYPES = new LinkedHashMap<>();

  static {
    register(new NicType("nic"));
    register(new NicType("legacy-msi"));
    register(new AcceleratorType());
    register(new NvmeType());
    register(new VirtioNetType());
    register(new E1000eType());
    register(new AhciType());
    register(new VmdType());
  }

  private DeviceTypes() {}

  private static void register(DeviceType t) {
    TYPES.put(t.name(), t);
  }

  /**
   * Puts a device with {@code behind} behind its VMD (built before it): its messages go to the
   * VMD and its bus is the VMD's.
   */
  public static void attachBehind(Binding child, BuildContext ctx) {
    VmdType.attach(child, ctx);
  }

  /** The type named {@code name}, or null when this build does not model it. */
  public static DeviceType get(String name) {
    return TYPES.get(name);
  }

  /** The modelled type names, in the order the README lists them. */
  public static String names() {
    return String.join(", ", TYPES.keySet());
  }
}
