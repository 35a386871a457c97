package irqlab.sim.devices;

import irqlab.hw.devices.VmdDevice;
import irqlab.kernel.Kernel;
import irqlab.kernel.irq.IrqData;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.irq.IrqdState;
import irqlab.kernel.irq.IrqsState;
import irqlab.kernel.pci.PciDev;
import irqlab.kernel.vmd.VmdDriver;
import irqlab.kernel.vmd.VmdIrq;
import irqlab.scenario.DeviceSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * A VMD and its driver, and the devices behind it: they send their messages to it, its driver
 * sets up their bus, and a child's completed work is still remembered while the VMD vector it
 * maps to is (the VMD's PBA bit, its descriptor pending, or its vector in an IRR).
 */
public final class VmdBinding extends LinuxDeviceType.Bound {
  private final VmdDevice vmd;
  private final VmdDriver vmdDriver;
  private final List<Binding> children = new ArrayList<>();
  /** Per VMD vector (MSI-X index): child handler runs and the ones an action claimed. */
  private long[] childRuns = new long[0];
  private long[] childClaims = new long[0];

  VmdBinding(DeviceSpec spec, DeviceType type, VmdDevice device, PciDev pci, VmdDriver driver, Kernel kernel) {
    super(spec, type, device, pci, driver, kernel);
    this.vmd = device;
    this.vmdDriver = driver;
    // A passive watch of the children's handler runs (handle_untracked_irq counts nothing itself).
    kernel.addObserver(new irqlab.kernel.KernelObserver() {
      @Override
      public void handledUntracked(IrqDesc desc, int cpu, irqlab.kernel.irq.IrqReturn ret) {
        VmdIrq e = entryOf(desc.data());
        if (e != null && vmdDriver != null && e.list().vmd() == vmdDriver) {
          int i = e.list().index();
          if (i >= childRuns.length) {
            childRuns = java.util.Arrays.copyOf(childRuns, i + 1);
            childClaims = java.util.Arrays.copyOf(childClaims, i + 1);
          }
          childRuns[i]++;
          if (ret == irqlab.kernel.irq.IrqReturn.HANDLED) {
            childClaims[i]++;
          }
        }
      }
    });
  }

  /** Child handler runs (actions called) on VMD vector {@code index} so far. */
  public long childRuns(int index) {
    return index < childRuns.length ? childRuns[index] : 0;
  }

  /** Of those, the runs an action claimed (IRQ_HANDLED): work was there. */
  public long childClaims(int index) {
    return index < childClaims.length ? childClaims[index] : 0;
  }

  /** Puts {@code child} behind this VMD: its messages come here, its bus is the VMD's. */
  void attach(Binding child) {
    child.device().setUpstream(vmd.children());
    if (vmdDriver != null) {
      vmdDriver.addChild(child.pci());
    }
    child.setBehind(this);
    children.add(child);
  }

  /** The devices behind the VMD, in the order they were built. */
  public List<Binding> children() {
    return List.copyOf(children);
  }

  public VmdDevice vmd() {
    return vmd;
  }

  public VmdDriver vmdDriver() {
    return vmdDriver;
  }

  /** Whether the VMD's driver is bound, so that its PCI domain and the devices in it exist. */
  boolean domainUp() {
    return vmdDriver != null && vmdDriver.bound();
  }

  @Override
  public int trafficQueues() {
    return 0;
  }

  /**
   * Whether a completion signalled through the child line {@code childDesc} is still remembered at
   * the VMD: its MSI-X entry's pending bit, the VMD vector's descriptor pending or disabled, or the
   * vector latched in its CPU's IRR. In bypass mode the child's own message state covers it.
   */
  boolean remembers(IrqDesc childDesc) {
    VmdIrq e = entryOf(childDesc.data());
    if (e == null || vmdDriver.bypass()) {
      return false;
    }
    int index = e.list().index();
    if (vmd.messagePending(index)) {
      return true;
    }
    IrqDesc v = kernel.descs().get(e.list().virq());
    return v != null && (v.istate(IrqsState.PENDING) || v.data().is(IrqdState.IRQ_DISABLED)
        || v.action() == null || irrPending(kernel, v));
  }

  /** The VMD list entry of a child line, or null (see {@link VmdIrq#of}). */
  public static VmdIrq entryOf(IrqData top) {
    return VmdIrq.of(top);
  }

}
