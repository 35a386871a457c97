package irqlab.kernel.drivers;

import irqlab.hw.devices.QueueDevice;
import irqlab.kernel.Errno;
import irqlab.kernel.Kernel;
import irqlab.kernel.KernelException;
import irqlab.kernel.cpu.CpuHp;
import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.irq.IrqAction;
import irqlab.kernel.irq.IrqAffinity;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.irq.IrqHandler;
import irqlab.kernel.irq.IrqReturn;
import irqlab.kernel.irq.IrqdState;
import irqlab.kernel.pci.PciDev;
import irqlab.kernel.pci.PciMsi;
import java.util.List;

/**
 * The NVMe PCI driver's interrupt life (drivers/nvme/host/pci.c, Linux 6.12) with blk-mq's CPU
 * hotplug handling (block/blk-mq.c). Probe (nvme_pci_enable) takes one vector of any type for
 * the admin queue and requests {@code nvme0q0}; nvme_setup_io_queues then frees it and every
 * vector, allocates {@code 1 + I/O queues} with the admin vector as pre_vector and the I/O vectors
 * spread and managed in the default and read sets of nvme_calc_irq_sets (poll queues get none),
 * requests {@code nvme0q0} again and one {@code nvme0qN} per interrupt-driven I/O queue, each with
 * pci_request_irq (IRQF_SHARED). Queue N uses vector N unless there is a single vector.
 *
 * <p>The device is a queue device whose queue 0 is the admin completion queue and queue N the
 * I/O completion queue N; a queue's vector select is the completion queue's interrupt vector.
 * I/O is submitted by blk-mq on the CPUs mapped to the queue's hardware context and stays in
 * flight until the queue's interrupt handler completes it: when the last of those CPUs goes
 * offline, blk_mq_hctx_notify_offline stops new submissions and waits for the requests in
 * flight, before the CPU's managed interrupts shut down.
 */
public final class NvmeDriver extends PciDriver {
  /** HCTX_TYPE_DEFAULT, HCTX_TYPE_READ, HCTX_TYPE_POLL. */
  private static final int DEFAULT = 0;
  private static final int READ = 1;
  private static final int POLL = 2;
  /** blk_mq_hctx_notify_offline waits for requests in flight with msleep(5). */
  private static final long OFFLINE_POLL_NS = 5_000_000;

  private final int writeQueues;
  private final int pollQueues;
  private final int vectorCap;
  private final int typeFlags;
  private final CpuHp.Instance blkMqOnline = new CpuHp.Instance() {
    @Override
    public void startup(int cpu) {
      hctxOnline(cpu);
    }

    @Override
    public void teardown(int cpu) {
      hctxOffline(cpu);
    }
  };
  private int instance = -1;
  private int numVecs;
  private final int[] ioQueues = new int[3];
  private int maxQid;
  /** Per I/O queue (index qid - 1): the vector its completion queue signals, -1 when polled. */
  private int[] cqVector = new int[0];
  /** Per I/O queue: the CPUs blk-mq maps to its hardware context, and whether it is inactive. */
  private CpuMask[] hctxMask = new CpuMask[0];
  private boolean[] hctxInactive = new boolean[0];
  /** Per I/O queue: requests submitted and not yet completed by the interrupt (blk-mq's tags). */
  private int[] inflight = new int[0];
  private String summary = "";

  /**
   * A driver with module parameters {@code write_queues} and {@code poll_queues}; {@code vectorCap}
   * caps the vectors asked for (Integer.MAX_VALUE: none), {@code kind} (null: any) the most
   * capable interrupt type it may use.
   */
  public NvmeDriver(Kernel k, PciDev dev, String name, int writeQueues, int pollQueues, int vectorCap,
      String kind) {
    super(k, dev, name);
    this.writeQueues = writeQueues;
    this.pollQueues = pollQueues;
    this.vectorCap = vectorCap;
    this.typeFlags = allowedTypes(kind);
  }

  /** PCI_IRQ_ALL_TYPES, or the types at or below {@code kind} (msix, msi, intx). */
  static int allowedTypes(String kind) {
    if (kind == null || kind.equals("msix")) {
      return PciMsi.PCI_IRQ_MSIX | PciMsi.PCI_IRQ_MSI | PciMsi.PCI_IRQ_INTX;
    }
    return kind.equals("msi") ? PciMsi.PCI_IRQ_MSI | PciMsi.PCI_IRQ_INTX : PciMsi.PCI_IRQ_INTX;
  }

  @Override
  public String probeSummary() {
    return summary;
  }

  /** The controller instance (nvme%d), -1 before probe. */
  public int instance() {
    return instance;
  }

  /** I/O queues with an interrupt (default and read sets). */
  public int interruptQueues() {
    return ioQueues[DEFAULT] + ioQueues[READ];
  }

  private String queueName(int qid) {
    return "nvme" + instance + "q" + qid;
  }

  // ---- probe ----

  /** nvme_probe: nvme_pci_enable, the admin queue, then nvme_setup_io_queues. */
  @Override
  public void probe() {
    enableDevice();
    instance = k.ida("nvme").alloc();
    try {
      // nvme_pci_enable: a single vector of any type for the admin queue.
      k.pciMsi().allocIrqVectors(dev, 1, 1, typeFlags, null, null);
      int queues = reg(QueueDevice.REG_NUM_QUEUES);
      setReg(QueueDevice.REG_CONTROL, QueueDevice.CONTROL_RUN);
      // nvme_pci_configure_admin_queue: the admin completion queue signals vector 0.
      setCqVector(0, 0);
      requestQueue(0);
      setupIoQueues(queues - 1);
    } catch (KernelException e) {
      disable();
      k.ida("nvme").free(instance);
      instance = -1;
      throw e;
    }
    k.cpuHp().addInstance(CpuHp.State.AP_BLK_MQ_ONLINE, blkMqOnline);
    bound = true;
  }

  /**
   * nvme_setup_io_queues: the queue count the controller grants (nvme_set_queue_count), the
   * admin interrupt and every vector freed, the full set allocated, the admin interrupt requested
   * again, then the I/O queues created, each requesting its interrupt.
   */
  private void setupIoQueues(int ctrlQueues) {
    int possible = k.possibleMask().cardinality();
    int nrIoQueues = Math.min(possible + writeQueues + pollQueues, ctrlQueues);
    if (nrIoQueues == 0) {
      summary = "0 I/O queues";
      return;
    }
    freeIrqNumber(k.pciMsi().irqVector(dev, 0));
    k.pciMsi().freeIrqVectors(dev);
    int vecs = setupIrqs(nrIoQueues);
    numVecs = vecs;
    int rw = Math.max(vecs - 1, 1);
    maxQid = rw + ioQueues[POLL];
    requestQueue(0);
    createIoQueues();
    summary = ioQueues[DEFAULT] + "/" + ioQueues[READ] + "/" + ioQueues[POLL] + " default/read/poll queues, "
        + numVecs + " " + modeName() + " vector" + (numVecs == 1 ? "" : "s");
    k.log().info("nvme nvme" + instance + ": " + ioQueues[DEFAULT] + "/" + ioQueues[READ] + "/"
        + ioQueues[POLL] + " default/read/poll queues");
  }

  private String modeName() {
    return dev.intxInUse() ? "INTx" : dev.msiEnabled() ? "MSI" : "MSI-X";
  }

  /**
   * nvme_setup_irqs: poll queues need no interrupt; the admin vector is a pre_vector; the sets
   * come from nvme_calc_irq_sets once the core knows how many vectors there are.
   */
  private int setupIrqs(int nrIoQueues) {
    int poll = Math.min(pollQueues, nrIoQueues - 1);
    ioQueues[POLL] = poll;
    ioQueues[DEFAULT] = 1;
    ioQueues[READ] = 0;
    int irqQueues = Math.min(1 + (nrIoQueues - poll), vectorCap);
    IrqAffinity.AffinityDescriptor affd = new IrqAffinity.AffinityDescriptor(1, 0, this::calcIrqSets);
    return k.pciMsi().allocIrqVectors(dev, 1, irqQueues, typeFlags | PciMsi.PCI_IRQ_AFFINITY, affd, null);
  }

  /**
   * nvme_calc_irq_sets: {@code nrirqs} interrupts for I/O queues; with write_queues the default
   * (write) set gets that many and the read set the rest, leaving at least one read queue.
   */
  private int[] calcIrqSets(int nrirqs) {
    int nrRead;
    if (nrirqs == 0) {
      nrirqs = 1;
      nrRead = 0;
    } else if (nrirqs == 1 || writeQueues == 0) {
      nrRead = 0;
    } else if (writeQueues >= nrirqs) {
      nrRead = 1;
    } else {
      nrRead = nrirqs - writeQueues;
    }
    ioQueues[DEFAULT] = nrirqs - nrRead;
    ioQueues[READ] = nrRead;
    return nrRead > 0 ? new int[] {nrirqs - nrRead, nrRead} : new int[] {nrirqs - nrRead};
  }

  /** nvme_create_io_queues: queues beyond the default and read ones are polled. */
  private void createIoQueues() {
    int rw = maxQid != 1 && ioQueues[POLL] > 0 ? ioQueues[DEFAULT] + ioQueues[READ] : maxQid;
    cqVector = new int[maxQid];
    hctxMask = new CpuMask[maxQid];
    hctxInactive = new boolean[maxQid];
    inflight = new int[maxQid];
    for (int qid = 1; qid <= maxQid; qid++) {
      boolean polled = qid > rw;
      // A queue's vector matches its id unless the controller has only one vector.
      cqVector[qid - 1] = polled ? -1 : numVecs == 1 ? 0 : qid;
      if (!polled) {
        setCqVector(qid, cqVector[qid - 1]);
        requestQueue(qid);
      }
    }
    mapQueues();
  }

  /**
   * nvme_pci_map_queues: each set's hardware contexts take the CPUs of their vector's affinity
   * mask (blk_mq_pci_map_queues) when there are per-queue vectors, else blk-mq's own spread.
   */
  private void mapQueues() {
    int qoff = 0;
    boolean offset = numVecs > 1;
    for (int type = DEFAULT; type <= POLL; type++) {
      int n = ioQueues[type];
      if (n == 0) {
        continue;
      }
      List<CpuMask> spread = IrqAffinity.groupCpusEvenly(n, k.possibleMask(), k.possibleMask());
      for (int i = 0; i < n; i++) {
        int qid = qoff + i + 1;
        IrqDesc d = type != POLL && offset ? k.descs().get(k.pciMsi().irqVector(dev, qid)) : null;
        hctxMask[qid - 1] = d != null && d.data().is(IrqdState.AFFINITY_MANAGED) ? d.affinity() : spread.get(i);
      }
      qoff += n;
    }
  }

  /** Create I/O Completion Queue with IV (queue 0: the admin queue's, set through AQA/ACQ). */
  private void setCqVector(int qid, int vector) {
    setReg(QueueDevice.queueRegister(qid, QueueDevice.REG_IVAR),
        QueueDevice.IVAR_VALID | vector);
  }

  /** queue_request_irq: pci_request_irq, which always asks for a shared line. */
  private void requestQueue(int qid) {
    int vector = qid == 0 ? 0 : cqVector[qid - 1];
    IrqHandler h = (irq, devId) -> pollCq(qid);
    requestIrq(k.pciMsi().irqVector(dev, vector), h, IrqAction.IRQF_SHARED, queueName(qid), new Object());
  }

  /** nvme_irq: the completions of this queue, acknowledged by moving the CQ head. */
  private IrqReturn pollCq(int qid) {
    int cqHead = QueueDevice.queueRegister(qid, QueueDevice.REG_COMPLETIONS);
    int done = reg(cqHead);
    if (done == 0) {
      return IrqReturn.NONE;
    }
    setReg(cqHead, done);
    if (qid > 0 && qid <= inflight.length) {
      inflight[qid - 1] = Math.max(0, inflight[qid - 1] - done);
    }
    return IrqReturn.HANDLED;
  }

  // ---- blk-mq ----

  /**
   * blk-mq submits a request on I/O queue {@code ioQueue} (0-based, qid - 1) if it can: the queue
   * exists, has an interrupt, and its hardware context is active. Returns whether it did; the
   * request is in flight until the queue's interrupt completes it.
   */
  public boolean submit(int ioQueue) {
    if (!bound || ioQueue < 0 || ioQueue >= maxQid || cqVector[ioQueue] < 0 || hctxInactive[ioQueue]) {
      return false;
    }
    inflight[ioQueue]++;
    return true;
  }

  /**
   * blk_mq_hctx_notify_offline: when {@code cpu} is the last online CPU of a hardware context,
   * no new request is allocated there and the task waits (msleep(5) at a time) until the ones in
   * flight have completed, so that the context's managed interrupt has nothing left to deliver
   * when the CPU takes it down.
   */
  private void hctxOffline(int cpu) {
    for (int i = 0; i < maxQid; i++) {
      CpuMask m = hctxMask[i];
      if (m == null || !m.contains(cpu) || m.without(cpu).intersects(k.onlineMask())) {
        continue;
      }
      hctxInactive[i] = true;
      // while (blk_mq_hctx_has_requests(hctx)) msleep(5): returns at the first 5 ms step that
      // finds the tags free.
      int q = i;
      long start = k.exec().now();
      if (inflight[q] > 0) {
        k.exec().waitUntil("blk_mq_hctx_has_requests", () -> inflight[q] == 0);
        long waited = k.exec().now() - start;
        k.exec().sleep((OFFLINE_POLL_NS - waited % OFFLINE_POLL_NS) % OFFLINE_POLL_NS);
      }
    }
  }

  /** blk_mq_hctx_notify_online: a context with {@code cpu} in its mask takes requests again. */
  private void hctxOnline(int cpu) {
    for (int i = 0; i < maxQid; i++) {
      if (hctxMask[i] != null && hctxMask[i].contains(cpu)) {
        hctxInactive[i] = false;
      }
    }
  }

  // ---- remove ----

  /** nvme_remove: nvme_dev_disable with shutdown, then the controller's instance goes. */
  @Override
  public void remove() {
    if (!bound) {
      throw new KernelException(Errno.ENODEV, name + " is not bound");
    }
    k.cpuHp().removeInstance(CpuHp.State.AP_BLK_MQ_ONLINE, blkMqOnline);
    disable();
    k.ida("nvme").free(instance);
    bound = false;
  }

  /**
   * nvme_dev_disable: submissions stop, the I/O queues are deleted (their completion queues
   * signal no more), the controller is disabled, every queue's interrupt is freed (I/O queues
   * from the last, then the admin queue), the vectors go, and the completions still posted are
   * reaped by polling (nvme_reap_pending_cqes).
   */
  private void disable() {
    java.util.Arrays.fill(hctxInactive, true);
    int queues = reg(QueueDevice.REG_NUM_QUEUES);
    for (int qid = queues - 1; qid >= 1; qid--) {
      setReg(QueueDevice.queueRegister(qid, QueueDevice.REG_IVAR), 0);
    }
    for (int qid = maxQid; qid >= 1; qid--) {
      pollCq(qid);
    }
    freeAllRequestedReverse();
    setReg(QueueDevice.queueRegister(0, QueueDevice.REG_IVAR), 0);
    setReg(QueueDevice.REG_CONTROL, 0);
    k.pciMsi().freeIrqVectors(dev);
    maxQid = 0;
    cqVector = new int[0];
    hctxMask = new CpuMask[0];
    hctxInactive = new boolean[0];
    inflight = new int[0];
  }
}
