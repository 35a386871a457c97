package irqlab.sim;

import irqlab.exec.Exec;
import irqlab.hw.MessageObserver;
import irqlab.hw.PlatformBus;
import irqlab.hw.devices.AcceleratorDevice;
import irqlab.hw.ims.QueueContexts;
import irqlab.hw.ims.QueueMemory;
import irqlab.hw.pci.Bdf;
import irqlab.kernel.Kernel;
import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.drivers.AcceleratorDriver;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.irq.IrqdState;
import irqlab.kernel.irq.IrqsState;
import irqlab.kernel.msi.MsiDeviceDomain;
import irqlab.kernel.pci.PciDev;
import irqlab.kernel.x86.ApicChipData;
import irqlab.kernel.x86.VectorDomain;
import irqlab.scenario.Action;
import irqlab.scenario.DeviceSpec;
import irqlab.scenario.DriverSpec;
import irqlab.scenario.IrqName;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The accelerators of a machine (device type {@code accelerator}): their devices, drivers and
 * queue memory, the names of their interrupts ({@code acc0/msix/0} for the control interrupt,
 * {@code acc0/ims/N} for IMS index N), the timeline calls that need the driver, and the oracle's
 * view of their queues: lost work at quiescence, and a queue message that reaches a vector bound
 * to another interrupt (misrouted).
 */
final class Accelerators implements AcceleratorDevice.Observer, MessageObserver {
  /** Stale write-backs narrated in the action log before only the count is kept. */
  private static final int NARRATED = 5;

  /** One accelerator. */
  private record Unit(AcceleratorDevice dev, PciDev pci, AcceleratorDriver driver) {}

  private final Exec exec;
  private final Kernel kernel;
  private final Oracle oracle;
  private final BiConsumer<Long, String> log;
  private final Map<String, Unit> units = new LinkedHashMap<>();
  private QueueMemory memory;
  private AcceleratorDevice expectingFrom;
  private int expectingQueue;
  private IrqDesc expecting;
  private long staleNarrated;

  Accelerators(Exec exec, Kernel kernel, Oracle oracle, BiConsumer<Long, String> log) {
    this.exec = exec;
    this.kernel = kernel;
    this.oracle = oracle;
    this.log = log;
  }

  static boolean isAccelerator(DeviceSpec d) {
    return d.type().equals("accelerator");
  }

  /** The device (and its driver, when the scenario binds one); the caller keeps the binding. */
  Machine.Binding build(DeviceSpec d, DriverSpec drv, PlatformBus bus) {
    if (memory == null) {
      memory = new QueueMemory(exec);
      bus.addObserver(this); // only machines with accelerators pay for the misroute check
    }
    AcceleratorDevice.Store store = d.ims().inHostMemory()
        ? AcceleratorDevice.Store.HOST_MEMORY : AcceleratorDevice.Store.DEVICE_ARRAY;
    AcceleratorDevice dev = new AcceleratorDevice(exec, bus, Bdf.parse(d.bdf()), d.id(), d.queues(),
        d.msix().table(), store, d.ims().slots(), d.ims().cache(), memory);
    dev.setObserver((irqlab.hw.devices.WorkObserver) oracle);
    dev.setImsObserver(this);
    PciDev pci = new PciDev(dev);
    AcceleratorDriver driver = null;
    if (drv != null) {
      AcceleratorDriver.AffinityPolicy policy = switch (drv.vectors().affinity().kind()) {
        case MANAGED -> AcceleratorDriver.AffinityPolicy.MANAGED;
        case NONE -> AcceleratorDriver.AffinityPolicy.NONE;
        case CPUS -> AcceleratorDriver.AffinityPolicy.PINNED;
      };
      CpuMask pinned = drv.vectors().affinity().cpus();
      driver = new AcceleratorDriver(kernel, pci, kernel.pciIms(), memory, d.id(), drv.vectors().min(),
          drv.vectors().max(), policy, pinned);
    }
    units.put(d.id(), new Unit(dev, pci, driver));
    return new Machine.Binding(d.id(), dev, pci, null, kernel);
  }

  boolean has(String id) {
    return units.containsKey(id);
  }

  boolean hasDriver(String id) {
    Unit u = units.get(id);
    return u != null && u.driver() != null;
  }

  /** The driver's probe; returns the action log's account of it. */
  String probe(String id) {
    Unit u = units.get(id);
    u.driver().probe();
    MsiDeviceDomain dd = kernel.pciIms().domain(u.pci());
    String store = u.dev().store() == AcceleratorDevice.Store.HOST_MEMORY
        ? "queue memory, " + u.dev().contexts().cacheEntries() + " cached contexts" : "slot array";
    return "1 MSI-X control vector, " + u.driver().queues() + " IMS interrupts in " + dd.domain().name()
        + " (" + store + ")";
  }

  void remove(String id) {
    units.get(id).driver().remove();
  }

  /** The irq behind {@code acc0/msix/0} or {@code acc0/ims/N}. */
  int irqOf(IrqName n) {
    AcceleratorDriver d = units.get(n.device()).driver();
    if (d == null) {
      throw new irqlab.kernel.KernelException(irqlab.kernel.Errno.ENOENT, n + ": no such device or driver");
    }
    return n.kind().equals("msix") ? d.miscIrq() : d.imsIrq(n.index());
  }

  /** free-irq and request-irq on an IMS interrupt (the control interrupt stays the driver's). */
  void requestOrFree(Action.IrqOp op) {
    AcceleratorDriver d = units.get(op.irq().device()).driver();
    if (!op.irq().kind().equals("ims")) {
      throw new irqlab.kernel.KernelException(irqlab.kernel.Errno.EINVAL,
          op.irq() + " is the control interrupt, which the driver keeps");
    }
    if (op.op() == Action.IrqOp.Op.FREE) {
      d.freeIrq(op.irq().index());
    } else {
      d.requestIrq(op.irq().index());
    }
  }

  /** Adds {@code id}'s interrupt names, control first, then IMS by index. */
  void names(String id, Map<String, Integer> into) {
    Unit u = units.get(id);
    if (u == null || u.driver() == null || !u.driver().bound()) {
      return;
    }
    into.put(id + "/msix/0", u.driver().miscIrq());
    MsiDeviceDomain dd = kernel.pciIms().domain(u.pci());
    if (dd != null) {
      dd.store().forEach(desc -> {
        if (desc.irq() != 0) {
          into.put(id + "/ims/" + desc.msiIndex(), desc.irq());
        }
      });
    }
  }

  // ---- the oracle's view ----

  private IrqDesc queueDesc(Unit u, int q) {
    AcceleratorDriver d = u.driver();
    if (d == null || !d.bound() || d.imsIndex(q) < 0) {
      return null;
    }
    return kernel.descs().get(d.imsIrq(d.imsIndex(q)));
  }

  @Override
  public void imsMessage(AcceleratorDevice dev, int queue, long address, int data) {
    Unit u = units.get(dev.id());
    expectingFrom = dev;
    expectingQueue = queue;
    expecting = u == null ? null : queueDesc(u, queue);
  }

  @Override
  public void delivered(int requesterId, long address, int data, int cpu, int vector) {
    if (expectingFrom == null || requesterId != expectingFrom.requesterId()) {
      return;
    }
    Object bound = kernel.vectorDomain().vectorIrq(cpu, vector);
    if (expecting != null && bound instanceof IrqDesc other && other != expecting) {
      oracle.inconsistency(Violation.MISROUTED, expectingFrom.id() + " queue " + expectingQueue
          + ": its message reached CPU " + cpu + " vector " + vector + ", which belongs to irq " + other.irq()
          + ", not to the queue's irq " + expecting.irq());
    }
    expectingFrom = null;
  }

  @Override
  public void staleWriteBack(AcceleratorDevice dev, int queue) {
    if (staleNarrated++ < NARRATED) {
      log.accept(exec.now(), dev.id() + ": context write-back of queue " + queue
          + " overwrote the message and mask the CPU had stored into it");
    }
  }

  /**
   * At quiescence: a queue's unconsumed work is fine while the kernel remembers it (pending,
   * disabled or without handler, an IRR bit) or the slot array holds it pending; otherwise it is
   * lost, and for queue memory the device's own copy of the control word says why.
   */
  void checkQuiescent() {
    for (Map.Entry<String, Unit> e : units.entrySet()) {
      Unit u = e.getValue();
      AcceleratorDevice dev = u.dev();
      if (dev.contexts().staleWriteBacks() > NARRATED) {
        log.accept(exec.now(), e.getKey() + ": " + dev.contexts().staleWriteBacks()
            + " context write-backs overwrote CPU stores in all");
      }
      for (int q = 0; q < dev.queues(); q++) {
        int outstanding = dev.outstanding(q);
        if (outstanding == 0) {
          continue;
        }
        IrqDesc desc = queueDesc(u, q);
        if (desc == null || desc.istate(IrqsState.PENDING) || desc.data().is(IrqdState.IRQ_DISABLED)
            || desc.action() == null || irrPending(desc)) {
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
        oracle.inconsistency(Violation.LOST_INTERRUPT, dev.id() + " queue " + q + ": " + outstanding
            + " completion(s) with no handler run after them and " + why + " (" + e.getKey() + "/ims/"
            + u.driver().imsIndex(q) + ", irq " + desc.irq() + ")");
      }
    }
  }

  private boolean irrPending(IrqDesc desc) {
    ApicChipData a = VectorDomain.apicChipData(desc.data());
    return a != null && a.vector() != 0 && kernel.cpu(a.cpu()).apic().irrPending(a.vector());
  }
}
