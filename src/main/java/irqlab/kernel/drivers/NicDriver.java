package irqlab.kernel.drivers;

import irqlab.hw.devices.QueueDevice;
import irqlab.hw.pci.PciFunction;
import irqlab.kernel.Errno;
import irqlab.kernel.Kernel;
import irqlab.kernel.KernelException;
import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.irq.IrqAffinity;
import irqlab.kernel.irq.IrqHandler;
import irqlab.kernel.irq.IrqReturn;
import irqlab.kernel.pci.PciDev;
import irqlab.kernel.pci.PciMsi;
import java.util.ArrayList;
import java.util.List;

/**
 * A multi-queue NIC driver in the style of ixgbe/i40e: one MSI-X vector per queue pair (queues
 * beyond the vector count share vectors round-robin), each handler draining its queues' completions.
 * Probe allocates the vectors, points each queue at its entry, requests the interrupts and starts
 * the queues; remove stops the queues, frees the interrupts and the vectors.
 */
public final class NicDriver {
  /** How the vectors' affinity is chosen. */
  public enum AffinityPolicy {
    /** Unmanaged, default affinity: the vector matrix places each on the emptiest CPU. */
    NONE,
    /** Managed, spread over the CPUs by irq_create_affinity_masks. */
    MANAGED,
    /** Unmanaged, pinned to a fixed CPU set. */
    PINNED
  }

  private final Kernel k;
  private final PciDev dev;
  private final String name;
  private final int min;
  private final int max;
  private final AffinityPolicy policy;
  private final CpuMask pinned;
  private int nvec;
  private int queues;
  private final List<IrqHandler> handlers = new ArrayList<>();
  private final List<Integer> irqs = new ArrayList<>();
  private boolean bound;

  public NicDriver(Kernel k, PciDev dev, String name, int min, int max, AffinityPolicy policy, CpuMask pinned) {
    this.k = k;
    this.dev = dev;
    this.name = name;
    this.min = min;
    this.max = max;
    this.policy = policy;
    this.pinned = pinned;
  }

  public PciDev dev() {
    return dev;
  }

  public String name() {
    return name;
  }

  public boolean bound() {
    return bound;
  }

  public int vectors() {
    return nvec;
  }

  /** The Linux irq of vector {@code index}. */
  public int irq(int index) {
    if (!bound || index < 0 || index >= irqs.size()) {
      throw new KernelException(Errno.ENOENT, name + " has no vector " + index);
    }
    return irqs.get(index);
  }

  public String actionName(int index) {
    return name + "-TxRx-" + index;
  }

  /** The driver's probe. */
  public void probe() {
    PciFunction fn = dev.function();
    queues = fn.mmioRead32(PciFunction.DEVICE_BAR, QueueDevice.REG_NUM_QUEUES);
    int flags = PciMsi.PCI_IRQ_MSIX | (policy == AffinityPolicy.MANAGED ? PciMsi.PCI_IRQ_AFFINITY : 0);
    List<CpuMask> pin = null;
    if (policy == AffinityPolicy.PINNED) {
      pin = new ArrayList<>();
      for (int i = 0; i < max; i++) {
        pin.add(pinned);
      }
    }
    nvec = k.pciMsi().allocIrqVectors(dev, min, max, flags, IrqAffinity.AffinityDescriptor.NONE, pin);
    irqs.clear();
    handlers.clear();
    for (int q = 0; q < queues; q++) {
      fn.mmioWrite32(PciFunction.DEVICE_BAR, QueueDevice.queueRegister(q, QueueDevice.REG_IVAR),
          QueueDevice.IVAR_VALID | (q % nvec));
    }
    for (int v = 0; v < nvec; v++) {
      final int vector = v;
      IrqHandler h = (irq, devId) -> service(vector);
      handlers.add(h);
      int irq = k.pciMsi().irqVector(dev, v);
      irqs.add(irq);
      k.manage().requestIrq(irq, h, 0, actionName(v), this);
    }
    fn.mmioWrite32(PciFunction.DEVICE_BAR, QueueDevice.REG_CONTROL, QueueDevice.CONTROL_RUN);
    bound = true;
  }

  /** The hard interrupt handler of vector {@code vector}: consume completions of its queues. */
  private IrqReturn service(int vector) {
    PciFunction fn = dev.function();
    boolean any = false;
    for (int q = vector; q < queues; q += nvec) {
      int done = fn.mmioRead32(PciFunction.DEVICE_BAR, QueueDevice.queueRegister(q, QueueDevice.REG_COMPLETIONS));
      if (done > 0) {
        fn.mmioWrite32(PciFunction.DEVICE_BAR, QueueDevice.queueRegister(q, QueueDevice.REG_COMPLETIONS), done);
        any = true;
      }
    }
    return any ? IrqReturn.HANDLED : IrqReturn.NONE;
  }

  /** request_irq again after a free_irq, as a driver reopening a queue would. */
  public void requestIrq(int index) {
    k.manage().requestIrq(irq(index), handlers.get(index), 0, actionName(index), this);
  }

  public void freeIrq(int index) {
    k.manage().freeIrq(irq(index), this);
  }

  /** The driver's remove: quiesce the device, free the interrupts, free the vectors. */
  public void remove() {
    if (!bound) {
      throw new KernelException(Errno.ENODEV, name + " is not bound");
    }
    PciFunction fn = dev.function();
    fn.mmioWrite32(PciFunction.DEVICE_BAR, QueueDevice.REG_CONTROL, 0);
    for (int v = 0; v < irqs.size(); v++) {
      int irq = irqs.get(v);
      if (k.descs().get(irq) != null && k.descs().get(irq).action() != null) {
        k.manage().freeIrq(irq, this);
      }
    }
    k.pciMsi().freeIrqVectors(dev);
    bound = false;
  }
}
