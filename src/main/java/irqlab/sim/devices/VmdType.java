package irqlab.sim.devices;

import irqlab.hw.devices.VmdDevice;
import irqlab.hw.pci.Bdf;
import irqlab.kernel.pci.PciDev;
import irqlab.kernel.vmd.VmdDriver;
import irqlab.kernel.vmd.VmdModule;
import irqlab.scenario.Action;
import irqlab.scenario.DeviceSpec;
import irqlab.scenario.DriverSpec;
import irqlab.scenario.Scenario;

/**
 * {@code vmd}: an Intel Volume Management Device with {@code msix: { table: N }} and optional
 * {@code features} (offset-first-vector: a client part, 8086:467F; bypass: the 28C0; neither: the
 * server 201D), driven by vmd.c; devices with {@code behind: <vmd>} sit in its PCI domain. The vmd
 * driver is built in before ahci and nvme (drivers/pci comes first in the link order), so it
 * creates the domain before their drivers look for devices.
 */
final class VmdType extends LinuxDeviceType {
  /** Before every other built-in driver: drivers/pci/controller links ahead of ata, nvme and net. */
  static final int INITCALL = 5;

  VmdType() {
    super("vmd", INITCALL);
  }

  @Override
  public void checkDevice(DeviceSpec d, Scenario s) {
    if (d.hasMsi() || d.hasIms() || !d.hasMsix()) {
      throw s.refuse(s.written(s.keyOf(d), "msi", "ims"),
          "a vmd has msix (its vectors) and features; no msi or ims");
    }
    if (s.driverFor(d.id()).isEmpty()) {
      throw s.refuse(s.keyOf(d),
          "a vmd needs its driver, which creates its PCI domain and the devices behind it; add"
              + " '- device: " + d.id() + "' under drivers");
    }
  }

  @Override
  public void checkDriver(DriverSpec d, DeviceSpec device, Scenario s) {
    super.checkDriver(d, device, s);
    if (d.vectors().max() != Integer.MAX_VALUE || d.vectors().kind() != null) {
      throw s.refuse(s.keyOf(d) + ".vectors",
          "the vmd driver takes every MSI-X vector the device has; set the device's msix.table instead");
    }
  }

  /** Traffic flows on the devices behind a VMD; unbinding a VMD would take its whole domain away. */
  @Override
  public String refusal(Action a) {
    if (a instanceof Action.Traffic || a instanceof Action.Storm) {
      return "a vmd has no queues of its own; put " + a.key() + " on the devices behind it";
    }
    if (a instanceof Action.Unbind || a instanceof Action.Bind) {
      return a.key() + " of a vmd (its PCI domain and every device in it) is not modelled by this build;"
          + " unbind or bind the devices behind it";
    }
    if (a instanceof Action.MsixAlloc || a instanceof Action.IrqOp op && op.op() == Action.IrqOp.Op.MSIX_FREE) {
      return "action '" + a.key() + "' is not modelled for a vmd, whose driver takes all its vectors at probe";
    }
    return null;
  }

  @Override
  public Binding build(DeviceSpec d, DriverSpec drv, BuildContext ctx) {
    int id = d.hasFeature("bypass") ? VmdDevice.DEVICE_28C0
        : d.hasFeature("offset-first-vector") ? VmdDevice.DEVICE_467F : VmdDevice.DEVICE_201D;
    VmdDevice dev = new VmdDevice(ctx.exec(), ctx.bus(), Bdf.parse(d.bdf()), d.id(), id, d.msix().table());
    dev.setObserver(ctx.work());
    PciDev pci = ctx.pciDev(dev);
    VmdModule module = ctx.shared(VmdModule.class, () -> new VmdModule(ctx.kernel()));
    VmdDriver driver = drv == null ? null
        : new VmdDriver(ctx.kernel(), pci, d.id(), module, d.hasFeature("offset-first-vector"));
    return new VmdBinding(d, this, dev, pci, driver, ctx.kernel());
  }

  /** Puts a device with {@code behind} behind its VMD, built before it. */
  static void attach(Binding child, BuildContext ctx) {
    Binding host = ctx.binding(child.spec().behind());
    if (!(host instanceof VmdBinding vmd)) {
      throw new IllegalStateException(child.id() + ": its VMD " + child.spec().behind() + " is not built yet");
    }
    vmd.attach(child);
  }
}
