package irqlab.sim.devices;

import irqlab.hw.devices.QueueDevice;
import irqlab.kernel.drivers.E1000eDriver;
import irqlab.kernel.pci.PciDev;
import irqlab.scenario.DeviceSpec;
import irqlab.scenario.DriverSpec;
import irqlab.scenario.Scenario;

/**
 * {@code e1000e}: QEMU's 82574 (8086:10d3) with 5 MSI-X vectors and one MSI without per-vector
 * masking, driven by e1000e. Queue 0 is the rx ring and queue 1 the tx ring; the device's third
 * cause (other: link status) has no traffic. Traffic flows while the interface is up.
 */
final class E1000eType extends LinuxDeviceType {
  /** e1000e's initcall: after virtio_net's, as drivers/net/Makefile links them. */
  static final int INITCALL = 40;

  E1000eType() {
    super("e1000e", INITCALL);
  }

  @Override
  public void checkDevice(DeviceSpec d, Scenario s) {
    if (d.hasIms()) {
      throw s.refuse(s.written(s.keyOf(d), "ims"),
          "an e1000e has msix, msi and behind (no ims)");
    }
  }

  @Override
  public Binding build(DeviceSpec d, DriverSpec drv, BuildContext ctx) {
    QueueDevice dev = queueDevice(d, ctx, 0x8086, 0x10d3, 3);
    dev.setClassCode(0x020000); // Ethernet controller
    PciDev pci = ctx.pciDev(dev);
    E1000eDriver driver = drv == null ? null : new E1000eDriver(ctx.kernel(), pci, d.id(), drv.vectors().kind());
    return new Bound(d, this, dev, pci, driver, ctx.kernel()) {
      @Override
      public int trafficQueues() {
        return 2;
      }

      @Override
      public void work(int q) {
        if (driver != null && driver.carries()) {
          dev.complete(q);
        }
      }
    };
  }
}
