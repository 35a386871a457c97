package irqlab.sim.devices;

import irqlab.scenario.Action;
import irqlab.scenario.DeviceSpec;
import irqlab.scenario.DriverSpec;
import irqlab.scenario.Scenario;

/**
 * A {@code type} of the scenario file: the hardware model of the device and the driver Linux (or
 * irqlab's generic model) binds to it. A machine asks each type to check its devices, to build
 * them with their drivers, and where its driver probes among the others at boot.
 */
public interface DeviceType {
  /** The scenario name: {@code nic}, {@code nvme}, ... */
  String name();

  /**
   * Where this type's driver probes at boot among different drivers, lower first: the built-in
   * Linux drivers in the initcall order of the reference (irqdbg) kernel, then irqlab's generic
   * model drivers. Devices of one type probe in PCI bus order.
   */
  int initcall();

  /**
   * The rank of a bus driver's stage that comes before the device driver's probe, or -1 when
   * there is none: virtio_pci_probe enables the function (and routes its INTx pin) at
   * drivers/virtio's initcall, long before virtio_net binds to the virtio device it registers.
   */
  default int busInitcall() {
    return -1;
  }

  /** Refuses, as bad input at the offending key, a device this type cannot be. */
  void checkDevice(DeviceSpec device, Scenario scenario);

  /** Refuses, as bad input at the offending key, a driver entry this type's driver cannot honour. */
  void checkDriver(DriverSpec driver, DeviceSpec device, Scenario scenario);

  /** Why timeline action {@code a} on a device of this type makes no sense, or null when it does. */
  default String refusal(Action a) {
    return null;
  }

  /** The device, its struct pci_dev and its driver (none when {@code driver} is null). */
  Binding build(DeviceSpec device, DriverSpec driver, BuildContext ctx);
}
