package irqlab.sim.devices;

import irqlab.hw.devices.AcceleratorDevice;
import irqlab.hw.ims.QueueContexts;
import irqlab.kernel.drivers.AcceleratorDriver;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.irq.IrqdState;
import irqlab.kernel.irq.IrqsState;
import irqlab.kernel.msi.MsiDeviceDomain;
import irqlab.kernel.pci.PciDev;
import irqlab.scenario.DeviceSpec;

/**
 * An accelerator and its driver: interrupts named {@code acc0/msix/0} (the control interrupt)
 * and {@code acc0/ims/N} (IMS index N), and the check of its queues at quiescence.
 */
final class AcceleratorBinding extends Binding {
  private final AcceleratorDevice dev;
  private final AcceleratorDriver driver;
  private final BuildContext ctx;

  AcceleratorBinding(DeviceSpec spec, DeviceType type, AcceleratorDevice dev, PciDev pci, AcceleratorDriver driver,
      BuildContext ctx) {
    super(spec, type, dev, pci, driver, ctx.kernel());
    this.dev = dev;
    this.driver = driver;
    this.ctx = ctx;
  }

  @Override
  protected String probeSummary() {
    MsiDeviceDomain dd = kernel.pciIms().domain(pci());
    String store = dev.store() == AcceleratorDevice.Store.HOST_MEMORY
        ? "queue memory, " + dev.contexts().cacheEntries() + " cached contexts" : "slot array";
    return "1 MSI-X control vector, " + driver.queues() + " IMS interrupts in " + dd.domain().name()
        + " (" + store + ")";
  }

  @Override
  protected String bindNote() {
    return "; " + probeSummary();
  }

  /** The descriptor of queue {@code q}'s IMS interrupt, or null. */
  IrqDesc queueDesc(int q) {
    if (driver == null || !driver.bound() || driver.imsIndex(q) < 0) {
      return null;
    }
    return kernel.descs().get(driver.imsIrq(driver.imsIndex(q)));
  }

  /** Queue contexts are judged at quiescence only (their messages do not go through the queues' vector selects). */
  @Override
  public boolean remembered(int q, boolean running) {
    return true;
  }

  /**
   * A queue's unconsumed work is fine while the kernel remembers it (pending, disabled or without
   * handler, an IRR bit) or the slot array holds it pending; otherwise it is lost, and for queue
   * memory the device's own copy of the control word says why.
   */
  @Override
  public void checkQuiescent(Verdicts v) {
    if (dev.contexts().staleWriteBacks() > Accelerators.NARRATED) {
      ctx.log(ctx.exec().now(), id() + ": " + dev.contexts().staleWriteBacks()
          + " context write-backs overwrote CPU stores in all");
    }
    for (int q = 0; q < dev.queues(); q++) {
      int outstanding = dev.outstanding(q);
      if (outstanding == 0) {
        continue;
      }
      IrqDesc desc = queueDesc(q);
      if (desc == null || desc.istate(IrqsState.PENDING) || desc.data().is(IrqdState.IRQ_DISABLED)
          || desc.action() == null || irrPending(kernel, desc)) {
        continue;
      }
      int slot = dev.interruptHandle(q);
      if (slot >= 0 && dev.slots().pending(slot)) {
        continue;
      }
      String why = "nothing pending";
      if (dev.store() == AcceleratorDevice.Store.HOST_MEMORY
          && (dev.contexts().effectiveCtrl(q) & QueueContexts.CTRL_MASKBIT) != 0) {
        why = "the device holds the queue masked while the kernel has it unmasked";
      }
      v.lostInterrupt(dev.id() + " queue " + q + ": " + outstanding
          + " completion(s) with no handler run after them and " + why + " (" + id() + "/ims/"
          + driver.imsIndex(q) + ", irq " + desc.irq() + ")");
    }
  }
}
