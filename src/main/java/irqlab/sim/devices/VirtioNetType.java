package irqlab.sim.devices;

import irqlab.hw.devices.VirtioNetDevice;
import irqlab.hw.pci.Bdf;
import irqlab.kernel.drivers.VirtioNetDriver;
import irqlab.kernel.pci.PciDev;
import irqlab.scenario.DeviceSpec;
import irqlab.scenario.DriverSpec;
import irqlab.scenario.Scenario;

/**
 * {@code virtio-net}: QEMU's virtio-net-pci with {@code queues} queue pairs and {@code msix:
 * { table: V }} vectors (vectors=V; no msix: INTx only), driven by virtio-pci and virtio_net.
 * Traffic on pair {@code q} is a received packet on input.q and a sent one completing on output.q,
 * while the interface is up and the pair is in use.
 */
final class VirtioNetType extends LinuxDeviceType {
  /** virtio_net's initcall: after ahci and nvme in the irqdbg kernel, before the Intel NICs. */
  static final int INITCALL = 30;
  /**
   * virtio_pci's initcall: drivers/virtio links after drivers/pci (vmd, {@link VmdType#INITCALL})
   * and before drivers/nvme and drivers/ata.
   */
  static final int BUS_INITCALL = 7;

  VirtioNetType() {
    super("virtio-net", INITCALL);
  }

  @Override
  public int busInitcall() {
    return BUS_INITCALL;
  }

  @Override
  public void checkDevice(DeviceSpec d, Scenario s) {
    if (d.hasIms() || d.hasMsi()) {
      throw s.refuse(s.written(s.keyOf(d), "ims", "msi"),
          "a virtio-net device has queues, msix and behind (no msi or ims)");
    }
    if (d.queues() < 1) {
      throw s.refuse(s.keyOf(d) + ".queues",
          "a virtio-net device has at least one queue pair; expected queues from 1");
    }
    if (!d.hasMsix() && (!s.machine().hasChipset() || d.behind() != null)) {
      throw s.refuse(s.keyOf(d),
          d.behind() != null ? "a virtio-net device without msix signals INTx, which no VMD routes; give it msix"
              : "a virtio-net device without msix signals INTx, which needs machine.chipset q35 or i440fx");
    }
  }

  @Override
  public Binding build(DeviceSpec d, DriverSpec drv, BuildContext ctx) {
    VirtioNetDevice dev = new VirtioNetDevice(ctx.exec(), ctx.bus(), Bdf.parse(d.bdf()), d.id(), d.queues(),
        d.hasMsix() ? d.msix().table() : 0);
    dev.setObserver(ctx.work());
    dev.setClassCode(0x020000); // Ethernet controller
    PciDev pci = ctx.pciDev(dev);
    VirtioNetDriver driver = drv == null ? null
        : new VirtioNetDriver(ctx.kernel(), pci, d.id(), drv.vectors().max(), drv.vectors().kind());
    return new Bound(d, this, dev, pci, driver, ctx.kernel()) {
      @Override
      public void busProbe() {
        driver.pciProbe();
      }

      @Override
      public int trafficQueues() {
        return d.queues();
      }

      @Override
      public void work(int pair) {
        if (driver != null && driver.carries(pair)) {
          dev.complete(2 * pair);
          dev.complete(2 * pair + 1);
        }
      }

      @Override
      protected int stuckQueue(int pair) {
        return 2 * pair;
      }

      @Override
      protected String probeSummary() {
        return driver.virtioName() + " " + driver.ifname() + ", " + driver.probeSummary();
      }
    };
  }
}
