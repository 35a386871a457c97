package irqlab.kernel.drivers;

import irqlab.hw.pci.PciFunction;
import irqlab.kernel.Errno;
import irqlab.kernel.Kernel;
import irqlab.kernel.KernelException;
import irqlab.kernel.irq.IrqAction;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.irq.IrqHandler;
import irqlab.kernel.msi.MsiDesc;
import irqlab.kernel.msi.MsiDeviceData;
import irqlab.kernel.msi.MsiDeviceDomain;
import irqlab.kernel.pci.PciDev;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A driver bound to one PCI function (struct pci_driver with its probe and remove), and what every
 * driver model shares: the interrupts it requested (so that a timeline {@code free-irq} and
 * {@code request-irq} undo and redo exactly the driver's own request_irq), and the names of the
 * device's interrupts, read from the PCI state (MSI-X entries, the MSI block, IMS entries, INTx).
 */
public abstract class PciDriver {
  protected final Kernel k;
  protected final PciDev dev;
  /** The scenario's device id, for messages. */
  protected final String name;
  /**
   * Every request_irq of the driver still standing, in request order: the action it installed,
   * which holds what it takes to free it (irq, devId) and to make it again; one a timeline
   * free-irq took off its line stays here until requested again.
   */
  private final DriverRequests requests = new DriverRequests();
  /**
   * Requests a timeline free-irq took off their line and no request-irq put back: while there are
   * none, a line holds at most one unshared request of the driver (__setup_irq refuses a second).
   */
  private int stale;
  /** Between a successful probe and remove. */
  protected boolean bound;

  protected PciDriver(Kernel k, PciDev dev, String name) {
    this.k = k;
    this.dev = dev;
    this.name = name;
  }

  public PciDev dev() {
    return dev;
  }

  public String name() {
    return name;
  }

  /** The driver's probe; throws KernelException with the error that made it fail. */
  public abstract void probe();

  /** The driver's remove. */
  public abstract void remove();

  public final boolean bound() {
    return bound;
  }

  /** The start of a PCI probe: EBUSY when bound already, else pci_enable_device. */
  protected final void enableDevice() {
    if (bound) {
      throw new KernelException(Errno.EBUSY, name + " is bound");
    }
    k.pciIntx().enableDevice(dev);
  }

  protected final PciFunction fn() {
    return dev.function();
  }

  /** A read of the device's register BAR. */
  protected final int reg(int off) {
    return fn().mmioRead32(PciFunction.DEVICE_BAR, off);
  }

  /** A write of the device's register BAR. */
  protected final void setReg(int off, int value) {
    fn().mmioWrite32(PciFunction.DEVICE_BAR, off, value);
  }

  /** What the probe set up, for the action log ("4 MSI-X vectors"). */
  public abstract String probeSummary();

  // ---- request_irq / free_irq, remembered ----

  /** request_irq, remembered so that the timeline can free and request it again. */
  protected final void requestIrq(int irq, IrqHandler handler, int flags, String actionName, Object devId) {
    requests.add(k.manage().requestIrq(irq, handler, flags, actionName, devId));
  }

  /** The same, the action named {@code namePrefix} followed by {@code nameNumber} ("nic0-TxRx-" 3). */
  protected final void requestIrq(int irq, IrqHandler handler, int flags, String namePrefix, int nameNumber,
      Object devId) {
    requests.add(k.manage().requestIrq(irq, handler, flags, namePrefix, nameNumber, devId));
  }

  /** Whether {@code a} is on its line's action chain (not taken off by a timeline free-irq). */
  private boolean installed(IrqAction a) {
    IrqDesc d = k.descs().get(a.irq());
    for (IrqAction x = d == null ? null : d.action(); x != null; x = x.next()) {
      if (x == a) {
        return true;
      }
    }
    return false;
  }

  /** The driver frees its own actions on {@code irq} (free_irq each) and forgets them. */
  protected final void freeIrqNumber(int irq) {
    IrqDesc d = k.descs().get(irq);
    IrqAction on = d == null ? null : d.action();
    boolean unique = stale == 0 && on != null && on.next() == null && (on.flags() & IrqAction.IRQF_SHARED) == 0;
    if (unique && requests.removeIfHeld(on)) {
      // With no stale requests the driver's only request on an unshared line is the one installed.
      k.manage().freeIrq(irq, on.devId());
      return;
    }
    for (IrqAction r : requests.removeOn(irq, unique)) {
      if (installed(r)) {
        k.manage().freeIrq(irq, r.devId());
      } else {
        stale--;
      }
    }
  }

  /** free_irq of every action still installed, in request order, as a remove does. */
  protected final void freeAllRequested() {
    for (IrqAction r : requests.all()) {
      if (installed(r)) {
        k.manage().freeIrq(r.irq(), r.devId());
      }
    }
    requests.clear();
    stale = 0;
  }

  /** The same, last request first (drivers that tear queues down from the last one). */
  protected final void freeAllRequestedReverse() {
    List<IrqAction> all = requests.all();
    for (int i = all.size() - 1; i >= 0; i--) {
      IrqAction r = all.get(i);
      if (installed(r)) {
        k.manage().freeIrq(r.irq(), r.devId());
      }
    }
    requests.clear();
    stale = 0;
  }

  /** Forgets what was requested on {@code irq} (its vector is gone). */
  protected final void forget(int irq) {
    for (IrqAction r : requests.removeOn(irq, false)) {
      if (!installed(r)) {
        stale--;
      }
    }
  }

  private List<IrqAction> requestsOn(int irq) {
    List<IrqAction> l = requests.on(irq);
    if (l.isEmpty()) {
      throw new KernelException(Errno.ENOENT, name + " requested nothing on irq " + irq);
    }
    return l;
  }

  /**
   * Timeline free-irq: the driver's actions on Linux irq {@code irq} go (free_irq each; a second
   * free is the kernel's "Trying to free already-free IRQ").
   */
  public void freeAction(int irq) {
    for (IrqAction r : requestsOn(irq)) {
      boolean was = installed(r);
      k.manage().freeIrq(irq, r.devId());
      if (was) {
        stale++;
      }
    }
  }

  /** Timeline request-irq: the driver's actions on {@code irq} again, as it requested them before. */
  public void requestAction(int irq) {
    for (IrqAction r : requestsOn(irq)) {
      boolean on = installed(r);
      if (on && (r.flags() & IrqAction.IRQF_SHARED) != 0) {
        throw new KernelException(Errno.EBUSY, name + ": " + r.name() + " is requested already");
      }
      IrqAction again = k.manage().requestIrq(irq, r.handler(), r.flags(), r.namePrefix(), r.nameNumber(),
          r.devId());
      if (!on) {
        requests.replace(r, again);
        stale--;
      }
    }
  }

  /** free_irq of vector {@code index} (pci_irq_vector numbering). */
  public void freeIrq(int index) {
    freeAction(irq(index));
  }

  /** request_irq of vector {@code index} again. */
  public void requestIrq(int index) {
    requestAction(irq(index));
  }

  // ---- the device's interrupts, as its PCI state has them ----

  /** pci_irq_vector: the Linux irq of vector {@code index}; ENOENT when there is none. */
  public int irq(int index) {
    try {
      return k.pciMsi().irqVector(dev, index);
    } catch (KernelException e) {
      throw new KernelException(Errno.ENOENT, name + " has no vector " + index);
    }
  }

  /** The vectors the device has now: MSI-X entries with an irq, the MSI block, or the INTx line. */
  public int vectors() {
    if (dev.intxInUse()) {
      return 1;
    }
    MsiDeviceDomain dd = dev.msiData().domain(MsiDeviceData.DEFAULT_DOMAIN);
    if (dd == null) {
      return 0;
    }
    if (dev.msiEnabled()) {
      MsiDesc blk = dd.store().get(0);
      return blk == null || blk.irq() == 0 ? 0 : blk.nvecUsed();
    }
    int[] n = new int[1];
    dd.store().forEach(d -> {
      if (d.irq() != 0) {
        n[0]++;
      }
    });
    return n[0];
  }

  /** "msix", "msi" or "intx": how the device signals now, as interrupt names spell it. */
  public String kindKey() {
    if (dev.intxInUse()) {
      return "intx";
    }
    return dev.msiEnabled() ? "msi" : "msix";
  }

  /**
   * Adds {@code <id>/<kind>/<index>} for every interrupt the device has: the default MSI domain's
   * (MSI-X entries, or the MSI block's vectors), then the IMS domain's, then the INTx line.
   */
  public void interruptNames(String id, Map<String, Integer> into) {
    MsiDeviceDomain dd = dev.msiData().domain(MsiDeviceData.DEFAULT_DOMAIN);
    if (dd != null && dev.msiEnabled()) {
      MsiDesc blk = dd.store().get(0);
      if (blk != null && blk.irq() != 0) {
        for (int i = 0; i < blk.nvecUsed(); i++) {
          into.put(id + "/msi/" + i, blk.irq() + i);
        }
      }
    } else if (dd != null) {
      dd.store().forEach(d -> {
        if (d.irq() != 0) {
          into.put(id + "/msix/" + d.msiIndex(), d.irq());
        }
      });
    }
    MsiDeviceDomain ims = dev.msiData().domain(MsiDeviceData.SECONDARY_DOMAIN);
    if (ims != null) {
      ims.store().forEach(d -> {
        if (d.irq() != 0) {
          into.put(id + "/ims/" + d.msiIndex(), d.irq());
        }
      });
    }
    if (dev.intxInUse()) {
      into.put(id + "/intx/0", dev.irq());
    }
  }

  /** The Linux irq behind {@code <kind>/<index>}; ENOENT when the device has no such interrupt now. */
  public int irqOf(String kind, int index) {
    Map<String, Integer> m = new TreeMap<>();
    interruptNames("", m);
    Integer irq = m.get("/" + kind + "/" + index);
    if (irq == null) {
      throw new KernelException(Errno.ENOENT, name + "/" + kind + "/" + index + ": no such interrupt now");
    }
    return irq;
  }
}
