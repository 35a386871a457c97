package irqlab.sim.devices;

import irqlab.hw.devices.QueueDevice;
import irqlab.kernel.Kernel;
import irqlab.kernel.drivers.PciDriver;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.irq.IrqdState;
import irqlab.kernel.irq.IrqsState;
import irqlab.kernel.msi.MsiDesc;
import irqlab.kernel.msi.MsiDeviceData;
import irqlab.kernel.msi.MsiDeviceDomain;
import irqlab.kernel.pci.PciDev;
import irqlab.kernel.x86.ApicChipData;
import irqlab.kernel.x86.VectorDomain;
import irqlab.scenario.DeviceSpec;
import java.util.Map;

/**
 * A device of the machine and the driver bound to it (null when the scenario binds none): the
 * hardware model, the kernel's struct pci_dev for it, and what the machine asks of both: the
 * names of its interrupts, the log line of a probe, and the check for lost work at quiescence.
 */
public class Binding {
  private final DeviceSpec spec;
  private final DeviceType type;
  private final QueueDevice device;
  private long idleArrivals;
  private final PciDev pci;
  private final PciDriver driver;
  protected final Kernel kernel;
  /** The VMD this device sits behind, or null. */
  private VmdBinding behind;

  public Binding(DeviceSpec spec, DeviceType type, QueueDevice device, PciDev pci, PciDriver driver, Kernel kernel) {
    this.spec = spec;
    this.type = type;
    this.device = device;
    this.pci = pci;
    this.driver = driver;
    this.kernel = kernel;
  }

  public String id() {
    return spec.id();
  }

  public DeviceSpec spec() {
    return spec;
  }

  public DeviceType type() {
    return type;
  }

  /** The hardware model. */
  public QueueDevice device() {
    return device;
  }

  public PciDev pci() {
    return pci;
  }

  /** The bound driver, or null. */
  public PciDriver driver() {
    return driver;
  }

  /** The VMD this device sits behind, or null for a device of the platform's PCI domains. */
  public VmdBinding behind() {
    return behind;
  }

  void setBehind(VmdBinding vmd) {
    this.behind = vmd;
  }

  /** The driver's probe, and what the action log says of it. */
  public String probe() {
    checkEnumerated();
    driver.probe();
    return probeSummary();
  }

  /** The bus stage of the probe where the type has one ({@link DeviceType#busInitcall}). */
  public void busProbe() {}

  /** A device behind a VMD exists for the kernel only while the VMD's driver has its domain up. */
  private void checkEnumerated() {
    if (behind != null && !behind.domainUp()) {
      throw new irqlab.kernel.KernelException(irqlab.kernel.Errno.ENODEV, id() + " is behind " + behind.id()
          + ", whose PCI domain its driver has not created");
    }
  }

  /** The action log's account of a successful probe. */
  protected String probeSummary() {
    return driver.probeSummary();
  }

  /** A timeline {@code bind} (the driver's probe); returns what the action log adds after "OK". */
  public String bind() {
    checkEnumerated();
    driver.probe();
    return bindNote();
  }

  /** What a timeline bind adds to "OK": nothing for the generic model drivers. */
  protected String bindNote() {
    return "";
  }

  /** How many queues traffic can name (the scenario's {@code queues}). */
  public int trafficQueues() {
    return device.queues();
  }

  /**
   * Traffic's arrival on queue {@code q}: the work, counted as idle when it completed nothing
   * (the queue was not running: an interface down, a driver unbound, no blk-mq context).
   */
  public final void arrive(int q) {
    long before = device.completedAll();
    work(q);
    if (device.completedAll() == before) {
      idleArrivals++;
    }
  }

  /** Traffic arrivals that found their queue not running. */
  public long idleArrivals() {
    return idleArrivals;
  }

  /** One unit of work completes on traffic queue {@code q} (on the device's actor). */
  public void work(int q) {
    device.complete(q);
  }

  /** Traffic queue {@code q}'s interrupt fires with no work behind it (a stuck source). */
  public void stuck(int q) {
    device.signalWithoutWork(stuckQueue(q));
  }

  /** The device queue whose interrupt traffic queue {@code q}'s stuck source fires. */
  protected int stuckQueue(int q) {
    return q;
  }

  /** What the stuck source of traffic queue {@code q} would do now: sent, held (masked) or dropped. */
  public irqlab.hw.pci.MsiCapability.Outcome stuckOutcome(int q) {
    return device.queueSignalOutcome(stuckQueue(q));
  }

  /** {@code count} more stuck signals of traffic queue {@code q} were held by its masked vector. */
  public void stuckHeldAgain(int q, long count) {
    device.queueHeldAgain(stuckQueue(q), count);
  }

  /** The stuck source stops (on INTx it lets go of the line it held up). */
  public void releaseStuck() {
    device.releaseStuckLine();
  }

  /** Adds the names of the device's interrupts ({@code nic0/msix/3}) with their Linux irqs. */
  public void interruptNames(Map<String, Integer> into) {
    if (driver != null && driver.bound()) {
      driver.interruptNames(id(), into);
    }
  }

  /** The descriptor behind vector {@code n} of the device's current PCI mode, or null. */
  public IrqDesc irqOfEntry(int n) {
    if (driver == null || !driver.bound()) {
      return null;
    }
    if (pci.intxInUse()) {
      return n == 0 ? kernel.descs().get(pci.irq()) : null;
    }
    MsiDeviceDomain dd = pci.msiData().domain(MsiDeviceData.DEFAULT_DOMAIN);
    if (dd == null) {
      return null;
    }
    if (pci.msiEnabled()) {
      // One descriptor at index 0 holds the whole block's consecutive interrupts.
      MsiDesc blk = dd.store().get(0);
      return blk == null || blk.irq() == 0 || n >= blk.nvecUsed() ? null : kernel.descs().get(blk.irq() + n);
    }
    MsiDesc d = dd.store().get(n);
    return d == null || d.irq() == 0 ? null : kernel.descs().get(d.irq());
  }

  /** "nic0/msix/3": vector {@code n} as interrupt names spell it in the device's current mode. */
  public String name(int n) {
    return id() + "/" + (driver == null ? "msix" : driver.kindKey()) + "/" + n;
  }

  /**
   * At quiescence: a queue with completed, unconsumed work is fine only while something still
   * remembers it: the PBA, MSI pending bit or asserted INTx line, a disabled or pending
   * descriptor, or an IRR bit. Otherwise the work is lost.
   */
  public void checkQuiescent(Verdicts v) {
    QueueDevice dev = device;
    for (int q = 0; q < dev.queues(); q++) {
      int outstanding = dev.outstanding(q);
      if (outstanding == 0 || remembered(q, false)) {
        continue;
      }
      int entry = dev.vectorSelect(q);
      IrqDesc desc = irqOfEntry(entry);
      v.lostInterrupt(dev.id() + " queue " + q + ": " + outstanding
          + " completion(s) with no handler run after them and nothing pending"
          + (desc == null ? "" : " (" + name(entry) + ", irq " + desc.irq() + ")"));
    }
  }

  /**
   * Whether queue {@code q}'s unconsumed work is remembered somewhere that will bring a handler
   * run: the PBA, MSI pending bit or asserted INTx line, a disabled or pending descriptor (at the
   * end also one without a handler), its vector latched in the target's IRR, or the VMD in front. {@code running} (in the
   * middle of a run): also a handler of the line running now, or its vector pending or in service
   * on any CPU (an interrupt taken and not yet handled, a retrigger on the way).
   */
  public boolean remembered(int q, boolean running) {
    QueueDevice dev = device;
    int entry = dev.vectorSelect(q);
    if (entry < 0 || dev.messagePending(entry)) {
      return true;
    }
    IrqDesc desc = irqOfEntry(entry);
    // A line without a handler is one the driver does not use at the end; in the middle of a run it
    // is one being re-requested, which serves only the work that signals it afterwards.
    if (desc != null && (desc.istate(IrqsState.PENDING) || desc.data().is(IrqdState.IRQ_DISABLED)
        || !running && desc.action() == null)) {
      return true;
    }
    if (desc != null && irrPending(kernel, desc)) {
      return true;
    }
    if (desc != null && behind != null && behind.remembers(desc)) {
      return true;
    }
    // Behind a VMD every child on a vector runs on each of its interrupts (vmd_irq), so a sibling's
    // interrupt serving this child's work is the design, not a rescue.
    return running && (behind != null
        || desc != null && (desc.data().is(IrqdState.IRQ_INPROGRESS) || onSomeApic(kernel, desc)));
  }

  /** Whether a vector bound to {@code desc} is pending or in service on any CPU's APIC. */
  private static boolean onSomeApic(Kernel k, IrqDesc desc) {
    for (int c = 0; c < k.nrCpus(); c++) {
      irqlab.hw.cpu.LocalApic apic = k.cpu(c).apic();
      for (int v = 0; v < irqlab.hw.cpu.LocalApic.NR_VECTORS; v++) {
        if ((apic.irrPending(v) || apic.inService(v)) && k.vectorDomain().vectorIrq(c, v) == desc) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether {@code desc}'s vector is still latched in its target APIC's IRR. */
  protected static boolean irrPending(Kernel k, IrqDesc desc) {
    ApicChipData a = VectorDomain.apicChipData(desc.data());
    return a != null && a.vector() != 0 && k.cpu(a.cpu()).apic().irrPending(a.vector());
  }
}
