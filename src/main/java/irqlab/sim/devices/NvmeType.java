package irqlab.sim.devices;

import irqlab.hw.devices.QueueDevice;
import irqlab.kernel.drivers.NvmeDriver;
import irqlab.kernel.pci.PciDev;
import irqlab.kernel.vmd.VmdDriver;
import irqlab.scenario.DeviceSpec;
import irqlab.scenario.DriverSpec;
import irqlab.scenario.Scenario;

/**
 * {@code nvme}: QEMU's NVMe controller (1b36:0010) with {@code queues} I/O queue pairs and an
 * MSI-X table of one vector per queue plus the admin queue's, driven by the Linux nvme driver.
 * Traffic queue {@code q} is I/O queue {@code q + 1}; blk-mq submits there only while the queue
 * has an interrupt and its hardware context is active.
 */
final class NvmeType extends LinuxDeviceType {
  /** The irqdbg kernel's order: ahci's initcall, then nvme's asynchronous probe, then the NICs. */
  static final int INITCALL = 20;

  NvmeType() {
    super("nvme", INITCALL);
  }

  @Override
  public void checkDevice(DeviceSpec d, Scenario s) {
    if (d.hasIms()) {
      throw s.refuse(s.written(s.keyOf(d), "ims"),
          "ims is not modelled for an nvme device by this build; an nvme has queues, msix, msi and behind");
    }
    if (d.queues() < 1) {
      throw s.refuse(s.keyOf(d) + ".queues",
          "an nvme controller offers at least one I/O queue pair; expected queues from 1");
    }
  }

  @Override
  public Binding build(DeviceSpec d, DriverSpec drv, BuildContext ctx) {
    QueueDevice dev = queueDevice(d, ctx, 0x1b36, 0x0010, d.queues() + 1);
    dev.setClassCode(VmdDriver.PCI_CLASS_STORAGE_EXPRESS); // hw/nvme: PCI_CLASS_STORAGE_EXPRESS
    PciDev pci = ctx.pciDev(dev);
    NvmeDriver driver = drv == null ? null : new NvmeDriver(ctx.kernel(), pci, d.id(), drv.param("write_queues", 0),
        drv.param("poll_queues", 0), drv.vectors().max(), drv.vectors().kind());
    return new Bound(d, this, dev, pci, driver, ctx.kernel()) {
      @Override
      public int trafficQueues() {
        return d.queues();
      }

      /** I/O on queue q + 1, when blk-mq submits there. */
      @Override
      public void work(int q) {
        if (driver != null && driver.submit(q)) {
          dev.complete(q + 1);
        }
      }

      @Override
      protected int stuckQueue(int q) {
        return q + 1;
      }
    };
  }
}
