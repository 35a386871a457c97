package irqlab.sim.devices;

import irqlab.scenario.DeviceSpec;
import irqlab.scenario.DriverSpec;
import irqlab.scenario.Scenario;
import irqlab.scenario.ScenarioException;

/**
 * What the types driven by a model of a Linux driver share: their own driver only (vfio-pci is
 * modelled for nic devices), and a timeline {@code bind} that reports what the probe set up.
 */
abstract class LinuxDeviceType implements DeviceType {
  @Override
  public void checkDriver(DriverSpec d, DeviceSpec device, Scenario s) {
    if ("vfio".equals(d.driver())) {
      throw new ScenarioException(d.loc(), "drivers." + d.device() + ".driver",
          "driver 'vfio' is modelled for nic devices only in this build");
    }
  }

  /** A binding whose timeline bind adds the probe's account to "OK". */
  static class Bound extends Binding {
    Bound(DeviceSpec spec, DeviceType type, irqlab.hw.devices.QueueDevice device, irqlab.kernel.pci.PciDev pci,
        irqlab.kernel.drivers.PciDriver driver, irqlab.kernel.Kernel kernel) {
      super(spec, type, device, pci, driver, kernel);
    }

    @Override
    protected String bindNote() {
      return "; " + probeSummary();
    }
  }
}
