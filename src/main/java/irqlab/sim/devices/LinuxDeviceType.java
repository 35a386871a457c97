package irqlab.sim.devices;

import irqlab.hw.devices.QueueDevice;
import irqlab.hw.pci.Bdf;
import irqlab.hw.pci.MsiShape;
import irqlab.kernel.Kernel;
import irqlab.kernel.drivers.PciDriver;
import irqlab.kernel.pci.PciDev;
import irqlab.scenario.DeviceSpec;
import irqlab.scenario.DriverSpec;
import irqlab.scenario.Scenario;

/**
 * What the types driven by a model of a Linux driver share: their own driver only (vfio-pci is
 * modelled for nic devices), and a timeline {@code bind} that reports what the probe set up.
 */
abstract class LinuxDeviceType implements DeviceType {
  private final String name;
  private final int initcall;

  LinuxDeviceType(String name, int initcall) {
    this.name = name;
    this.initcall = initcall;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final int initcall() {
    return initcall;
  }

  /**
   * The type's QEMU device as a QueueDevice: {@code vendor:device} IDs, {@code queues} queues, the
   * spec's MSI-X table and MSI capability, its completions reported to the machine.
   */
  static QueueDevice queueDevice(DeviceSpec d, BuildContext ctx, int vendor, int device, int queues) {
    MsiShape msi = d.hasMsi() ? new MsiShape(d.msi().vectors(), d.msi().maskable(), d.msi().address64()) : null;
    QueueDevice dev = new QueueDevice(ctx.exec(), ctx.bus(), Bdf.parse(d.bdf()), d.id(), d.type(), vendor, device,
        queues, d.hasMsix() ? d.msix().table() : 0, msi);
    dev.setObserver(ctx.work());
    return dev;
  }
  @Override
  public void checkDriver(DriverSpec d, DeviceSpec device, Scenario s) {
    if ("vfio".equals(d.driver())) {
      throw s.refuse(s.keyOf(d) + ".driver",
          "driver 'vfio' is modelled for nic devices only in this build");
    }
    if ("intx".equals(d.vectors().kind()) && device.behind() != null) {
      throw s.refuse(s.keyOf(d) + ".vectors.kind",
          "a device behind a VMD has no INTx line (the VMD routes MSI and MSI-X only); expected msix or msi");
    }
  }

  /** A binding whose timeline bind adds the probe's account to "OK". */
  static class Bound extends Binding {
    Bound(DeviceSpec spec, DeviceType type, QueueDevice device, PciDev pci, PciDriver driver, Kernel kernel) {
      super(spec, type, device, pci, driver, kernel);
    }

    @Override
    protected String bindNote() {
      return "; " + probeSummary();
    }
  }
}
