package irqlab.sim.devices;

import irqlab.hw.devices.QueueDevice;
import irqlab.kernel.drivers.AhciDriver;
import irqlab.kernel.pci.PciDev;
import irqlab.scenario.DeviceSpec;
import irqlab.scenario.DriverSpec;
import irqlab.scenario.Scenario;

/**
 * {@code ahci}: an AHCI host with {@code queues} ports (default: QEMU's ICH9, 8086:2922, six
 * ports and one 64-bit MSI message without per-vector masking), driven by ahci. Traffic on port
 * {@code q} is a command completing there.
 */
final class AhciType extends LinuxDeviceType {
  /** ahci's initcall, which in the irqdbg kernel probes before nvme's asynchronous probe. */
  static final int INITCALL = 10;

  AhciType() {
    super("ahci", INITCALL);
  }

  @Override
  public void checkDevice(DeviceSpec d, Scenario s) {
    if (d.hasIms()) {
      throw s.refuse(s.written(s.keyOf(d), "ims"), "an ahci host has queues (ports), msi, msix"
          + " and behind (no ims)");
    }
    if (d.queues() < 1 || d.queues() > 32) {
      throw s.refuse(s.keyOf(d) + ".queues",
          "an AHCI host has 1 to 32 ports; expected queues from 1 to 32");
    }
  }

  @Override
  public Binding build(DeviceSpec d, DriverSpec drv, BuildContext ctx) {
    QueueDevice dev = queueDevice(d, ctx, 0x8086, 0x2922, d.queues());
    dev.setClassCode(0x010601); // SATA, AHCI 1.0
    PciDev pci = ctx.pciDev(dev);
    AhciDriver driver = drv == null ? null : new AhciDriver(ctx.kernel(), pci, d.id(), drv.vectors().kind());
    return new Bound(d, this, dev, pci, driver, ctx.kernel());
  }
}
