package irqlab.sim.devices;

import irqlab.hw.devices.AcceleratorDevice;
import irqlab.hw.pci.Bdf;
import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.drivers.AcceleratorDriver;
import irqlab.kernel.pci.PciDev;
import irqlab.scenario.Action;
import irqlab.scenario.DeviceSpec;
import irqlab.scenario.DriverSpec;
import irqlab.scenario.Scenario;

/**
 * {@code accelerator}: a DSA/IDXD-like device with an MSI-X control interrupt and one IMS
 * interrupt per work queue, in a device slot array or in queue contexts in host memory.
 */
final class AcceleratorType implements DeviceType {
  @Override
  public String name() {
    return "accelerator";
  }

  @Override
  public int initcall() {
    return DeviceTypes.GENERIC_INITCALL;
  }

  @Override
  public void checkDevice(DeviceSpec d, Scenario s) {
    if (!d.hasIms() || !d.hasMsix() || d.hasMsi() || d.behind() != null) {
      throw s.refuse(s.written(s.keyOf(d), "msi", "behind"),
          "an accelerator has msix (its control interrupt) and ims (its work queues' interrupts),"
              + " and neither msi nor behind (IMS needs the remapping unit as MSI parent, which a VMD is not)");
    }
  }

  @Override
  public void checkDriver(DriverSpec d, DeviceSpec device, Scenario s) {
    if (!d.vectors().kind().equals("ims")) {
      throw s.refuse(s.keyOf(d) + ".vectors.kind",
          "an accelerator's driver asks for ims vectors, one per work queue; expected ims");
    }
    if (d.driver() != null && !d.driver().equals("accelerator")) {
      throw s.refuse(s.keyOf(d) + ".driver",
          "driver '" + d.driver() + "' is not modelled for an accelerator; expected accelerator");
    }
  }

  @Override
  public String refusal(Action a) {
    boolean vectorsOrStorm = a instanceof Action.MsixAlloc || a instanceof Action.Storm
        || a instanceof Action.IrqOp op && op.op() == Action.IrqOp.Op.MSIX_FREE;
    return vectorsOrStorm
        ? "action '" + a.key() + "' is not modelled for an accelerator, whose queues signal through IMS" : null;
  }

  @Override
  public Binding build(DeviceSpec d, DriverSpec drv, BuildContext ctx) {
    Accelerators shared = ctx.shared(Accelerators.class, () -> new Accelerators(ctx));
    AcceleratorDevice.Store store = d.ims().inHostMemory()
        ? AcceleratorDevice.Store.HOST_MEMORY : AcceleratorDevice.Store.DEVICE_ARRAY;
    AcceleratorDevice dev = new AcceleratorDevice(ctx.exec(), ctx.bus(), Bdf.parse(d.bdf()), d.id(), d.queues(),
        d.msix().table(), store, d.ims().slots(), d.ims().cache(), shared.memory());
    dev.setObserver(ctx.work());
    dev.setImsObserver(shared);
    PciDev pci = ctx.pciDev(dev);
    AcceleratorDriver driver = null;
    if (drv != null) {
      AcceleratorDriver.AffinityPolicy policy = switch (drv.vectors().affinity().kind()) {
        case MANAGED -> AcceleratorDriver.AffinityPolicy.MANAGED;
        case NONE -> AcceleratorDriver.AffinityPolicy.NONE;
        case CPUS -> AcceleratorDriver.AffinityPolicy.PINNED;
      };
      CpuMask pinned = drv.vectors().affinity().cpus();
      driver = new AcceleratorDriver(ctx.kernel(), pci, ctx.kernel().pciIms(), shared.memory(), d.id(),
          drv.vectors().min(), drv.vectors().max(), policy, pinned);
    }
    AcceleratorBinding b = new AcceleratorBinding(d, this, dev, pci, driver, ctx);
    shared.add(b);
    return b;
  }
}
