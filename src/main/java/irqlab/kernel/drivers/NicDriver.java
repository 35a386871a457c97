package irqlab.kernel.drivers;

import irqlab.hw.devices.QueueDevice;
import irqlab.hw.pci.PciFunction;
import irqlab.kernel.Errno;
import irqlab.kernel.Kernel;
import irqlab.kernel.KernelException;
import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.irq.IrqAction;
import irqlab.kernel.irq.IrqAffinity;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.irq.IrqHandler;
import irqlab.kernel.irq.IrqReturn;
import irqlab.kernel.msi.MsiDesc;
import irqlab.kernel.pci.PciDev;
import irqlab.kernel.pci.PciMsi;
import java.util.ArrayList;
import java.util.List;

/**
 * A multi-queue NIC driver in the style of ixgbe/i40e: one MSI-X vector per queue pair (queues
 * beyond the vector count share vectors round-robin), each handler draining its queues' completions.
 * Probe allocates the vectors, points each queue at its entry, requests the interrupts and starts
 * the queues; remove stops the queues, frees the interrupts and the vectors. In MSI mode the same
 * driver asks for an MSI block instead and points queues at vectors of the block; it also drives
 * legacy-msi queue devices, whose single non-maskable MSI is all they have.
 */
public class NicDriver extends PciDriver {
  /** How the vectors' affinity is chosen. */
  public enum AffinityPolicy {
    /** Unmanaged, default affinity: the vector matrix places each on the emptiest CPU. */
    NONE,
    /** Managed, spread over the CPUs by irq_create_affinity_masks. */
    MANAGED,
    /** Unmanaged, pinned to a fixed CPU set. */
    PINNED
  }

  private final int min;
  private final int max;
  private final AffinityPolicy policy;
  private final CpuMask pinned;
  private final Kind kind;
  private int nvec;
  private int queues;
  /** The MSI-X entry each queue signals (the device's vector select registers mirror it). */
  private int[] queueVector = new int[0];
  /**
   * The inverse, queues per vector index in one array (see {@link #queuesByVector}), rebuilt and
   * replaced whole when a queue is repointed (rare).
   */
  private int[] vectorQueues = queuesByVector(new int[0]);
  /**
   * The hard interrupt handler of every vector: the vector is the line's MSI index (MSI-X), its
   * place in the MSI block, or 0 (INTx), as a Linux driver finds its queue vector from dev_id.
   */
  private final IrqHandler handler = (irq, devId) -> service(vectorOfIrq(irq));
  private final VectorIrqs irqs = new VectorIrqs();
  /** {@link #actionNamePrefix}, kept once (every action shares it); null before the first request. */
  private String actionPrefix;

  /** The PCI interrupt mode the driver asks pci_alloc_irq_vectors for (scenario vectors.kind). */
  public enum Kind {
    MSIX("msix", PciMsi.PCI_IRQ_MSIX),
    MSI("msi", PciMsi.PCI_IRQ_MSI),
    /** The legacy line, shared (IRQF_SHARED); needs a chipset that routes it. */
    INTX("intx", PciMsi.PCI_IRQ_INTX);

    private final String key;
    private final int flag;

    Kind(String key, int flag) {
      this.key = key;
      this.flag = flag;
    }

    /** The kind as interrupt names spell it: "msix", "msi". */
    public String key() {
      return key;
    }

    public static Kind of(String key) {
      for (Kind k : values()) {
        if (k.key.equals(key)) {
          return k;
        }
      }
      throw new IllegalArgumentException("no PCI interrupt kind '" + key + "'");
    }
  }

  public NicDriver(Kernel k, PciDev dev, String name, int min, int max, AffinityPolicy policy, CpuMask pinned) {
    this(k, dev, name, min, max, policy, pinned, Kind.MSIX);
  }

  public NicDriver(Kernel k, PciDev dev, String name, int min, int max, AffinityPolicy policy, CpuMask pinned,
      Kind kind) {
    super(k, dev, name);
    this.kind = kind;
    this.min = min;
    this.max = max;
    this.policy = policy;
    this.pinned = pinned;
  }

  public Kind kind() {
    return kind;
  }

  @Override
  public int vectors() {
    return nvec;
  }

  @Override
  public String probeSummary() {
    return kind == Kind.INTX ? "INTx (irq " + dev.irq() + ")"
        : nvec + " " + (kind == Kind.MSI ? "MSI" : "MSI-X") + " vectors";
  }

  /** The Linux irq of vector {@code index}. */
  @Override
  public int irq(int index) {
    int irq = irqs.get(index);
    if (irq == 0) {
      throw new KernelException(Errno.ENOENT, name + " has no vector " + index);
    }
    return irq;
  }

  /** The vector indexes (MSI-X entries, or vectors of the MSI block) that have an interrupt, ascending. */
  public List<Integer> vectorIndexes() {
    return irqs.indexes();
  }

  /** What the driver does before it asks for vectors; vfio-pci attaches the device's IOMMU group. */
  protected void attachDevice() {}

  public String actionName(int index) {
    return name + "-TxRx-" + index;
  }

  /**
   * What {@link #actionName} is before the index ("nic0-TxRx-"), or "" when the driver names its
   * actions otherwise.
   */
  protected String actionNamePrefix() {
    return name + "-TxRx-";
  }

  /** The driver's probe. */
  @Override
  public void probe() {
    attachDevice();
    k.pciIntx().enableDevice(dev);
    PciFunction fn = dev.function();
    queues = fn.mmioRead32(PciFunction.DEVICE_BAR, QueueDevice.REG_NUM_QUEUES);
    nvec = allocIrqVectors(min, max);
    irqs.clear();
    queueVector = new int[queues];
    for (int q = 0; q < queues; q++) {
      queueVector[q] = q % nvec;
      writeVectorSelect(q, q % nvec);
    }
    vectorQueues = queuesByVector(queueVector); // once: no handler runs before request_irq
    for (int v = 0; v < nvec; v++) {
      irqs.put(v, k.pciMsi().irqVector(dev, v));
      request(v);
    }
    fn.mmioWrite32(PciFunction.DEVICE_BAR, QueueDevice.REG_CONTROL, QueueDevice.CONTROL_RUN);
    bound = true;
  }

  /** pci_alloc_irq_vectors(dev, lo, hi, flags) with the driver's kind and affinity policy. */
  private int allocIrqVectors(int lo, int hi) {
    int flags = kind.flag | (policy == AffinityPolicy.MANAGED ? PciMsi.PCI_IRQ_AFFINITY : 0);
    List<CpuMask> pin = null;
    if (policy == AffinityPolicy.PINNED) {
      pin = new ArrayList<>();
      for (int i = 0; i < hi; i++) {
        pin.add(pinned);
      }
    }
    return k.pciMsi().allocIrqVectors(dev, lo, hi, flags, IrqAffinity.AffinityDescriptor.NONE, pin);
  }

  /** The device's number of queues, read at probe. */
  protected int queues() {
    return queues;
  }

  /**
   * Frees every interrupt, then all vectors (free_irq each, pci_free_irq_vectors): MSI-X goes off.
   * The queues keep running and keep their vector selects, so the device has nothing to signal
   * with until {@link #enableVectors} (a driver resizing by re-enable, see VfioPciDriver).
   */
  protected void disableVectors() {
    freeAllRequested();
    k.pciMsi().freeIrqVectors(dev);
    irqs.clear();
    nvec = 0;
  }

  /**
   * After {@link #disableVectors}: exactly {@code count} vectors again (pci_alloc_irq_vectors with
   * min = max = count), each requested; queue {@code queue}, if there is one, moves to vector
   * {@code queue}, the other queues keep their vectors.
   */
  protected void enableVectors(int count, int queue) {
    nvec = allocIrqVectors(count, count);
    for (int v = 0; v < nvec; v++) {
      irqs.put(v, k.pciMsi().irqVector(dev, v));
      request(v);
    }
    if (queue >= 0 && queue < queues) {
      moveQueue(queue, queue);
    }
  }

  /**
   * Points queue {@code q} at another vector, then polls it once. A completion signalled through
   * the old entry just before the switch can reach the old vector's handler after that handler
   * stopped serving {@code q}; without the poll nothing would consume it (drivers kick a queue
   * after changing its vector for this reason). Later completions signal the new entry.
   */
  private void moveQueue(int q, int vector) {
    pointQueue(q, vector);
    PciFunction fn = dev.function();
    int done = fn.mmioRead32(PciFunction.DEVICE_BAR, QueueDevice.queueRegister(q, QueueDevice.REG_COMPLETIONS));
    if (done > 0) {
      fn.mmioWrite32(PciFunction.DEVICE_BAR, QueueDevice.queueRegister(q, QueueDevice.REG_COMPLETIONS), done);
    }
  }

  private void pointQueue(int q, int vector) {
    queueVector[q] = vector;
    writeVectorSelect(q, vector);
    vectorQueues = queuesByVector(queueVector);
  }

  private void writeVectorSelect(int q, int vector) {
    dev.function().mmioWrite32(PciFunction.DEVICE_BAR, QueueDevice.queueRegister(q, QueueDevice.REG_IVAR),
        QueueDevice.IVAR_VALID | vector);
  }

  /**
   * The queues of each vector in queue order, in time linear in the queues (a 65,536-queue NIC),
   * as one array: for the V vectors 0..V-1, entries 0..V are where each vector's queues start (and
   * where the last ends), the queues follow; entry 0 is therefore V + 1.
   */
  private static int[] queuesByVector(int[] queueVector) {
    int max = 0;
    for (int v : queueVector) {
      max = Math.max(max, v);
    }
    int vectors = max + 1;
    int[] inv = new int[vectors + 1 + queueVector.length];
    for (int v : queueVector) {
      inv[v + 1]++;
    }
    inv[0] = vectors + 1;
    for (int v = 1; v <= vectors; v++) {
      inv[v] += inv[v - 1];
    }
    int[] next = java.util.Arrays.copyOf(inv, vectors);
    for (int i = 0; i < queueVector.length; i++) {
      inv[next[queueVector[i]]++] = i;
    }
    return inv;
  }

  /**
   * The vector index of {@code irq}, one of the driver's lines (see {@link #handler}); -1 (nothing
   * to serve) for a line whose descriptor is gone from the table.
   */
  private int vectorOfIrq(int irq) {
    if (kind == Kind.INTX) {
      return 0;
    }
    IrqDesc desc = k.descs().get(irq);
    if (desc == null || !(desc.msiDesc() instanceof MsiDesc d)) {
      return desc == null ? -1 : 0;
    }
    return d.isMsix() ? d.msiIndex() : irq - d.irq();
  }

  /** The hard interrupt handler of vector {@code vector}: consume completions of its queues. */
  private IrqReturn service(int vector) {
    PciFunction fn = dev.function();
    boolean any = false;
    int[] inv = vectorQueues;
    if (vector < 0 || vector + 1 >= inv[0]) {
      return IrqReturn.NONE;
    }
    for (int i = inv[vector], end = inv[vector + 1]; i < end; i++) {
      int q = inv[i];
      int done = fn.mmioRead32(PciFunction.DEVICE_BAR, QueueDevice.queueRegister(q, QueueDevice.REG_COMPLETIONS));
      if (done > 0) {
        fn.mmioWrite32(PciFunction.DEVICE_BAR, QueueDevice.queueRegister(q, QueueDevice.REG_COMPLETIONS), done);
        any = true;
      }
    }
    return any ? IrqReturn.HANDLED : IrqReturn.NONE;
  }

  /** request_irq of vector {@code index} with its queues' handler. */
  private void request(int index) {
    IrqHandler h = handler;
    int flags = kind == Kind.INTX ? IrqAction.IRQF_SHARED : 0;
    String prefix = actionPrefix;
    if (prefix == null) {
      prefix = actionPrefix = actionNamePrefix();
    }
    if (prefix.isEmpty()) {
      requestIrq(irq(index), h, flags, actionName(index), this);
    } else {
      requestIrq(irq(index), h, flags, prefix, index, this);
    }
  }

  /**
   * Grows the device by one vector after MSI-X is enabled (pci_msix_alloc_irq_at), requests it and
   * points the queue with the same number at it, if there is one. Returns the index allocated.
   */
  public int allocVector(int index) {
    if (!bound) {
      throw new KernelException(Errno.ENODEV, name + " is not bound");
    }
    int[] got = k.pciMsi().msixAllocIrqAt(dev, index, null);
    irqs.put(got[0], got[1]);
    nvec++;
    request(got[0]);
    if (got[0] < queues) {
      moveQueue(got[0], got[0]);
    }
    return got[0];
  }

  /**
   * Frees one vector (free_irq, then pci_msix_free_irq); its queues move to the lowest remaining
   * vector first, so that no completion is left without an interrupt.
   */
  public void freeVector(int index) {
    int irq = irq(index);
    if (irqs.size() == 1) {
      throw new KernelException(Errno.EBUSY, name + ": vector " + index + " is the last one");
    }
    int target = irqs.first() == index ? irqs.higher(index) : irqs.first();
    for (int q = 0; q < queues; q++) {
      if (queueVector[q] == index) {
        moveQueue(q, target);
      }
    }
    if (k.descs().get(irq).action() != null) {
      freeIrqNumber(irq);
    }
    forget(irq);
    k.pciMsi().msixFreeIrq(dev, index);
    irqs.remove(index);
    nvec--;
  }

  /** The driver's remove: quiesce the device, free the interrupts, free the vectors. */
  @Override
  public void remove() {
    if (!bound) {
      throw new KernelException(Errno.ENODEV, name + " is not bound");
    }
    PciFunction fn = dev.function();
    fn.mmioWrite32(PciFunction.DEVICE_BAR, QueueDevice.REG_CONTROL, 0);
    freeAllRequested();
    k.pciMsi().freeIrqVectors(dev);
    irqs.clear();
    bound = false;
  }
}
