package irqlab.kernel.drivers;

import irqlab.exec.Actor;
import irqlab.exec.Event;
import irqlab.exec.WaitQueue;
import irqlab.hw.devices.AcceleratorDevice;
import irqlab.hw.devices.QueueDevice;
import irqlab.hw.ims.QueueContexts;
import irqlab.hw.ims.QueueMemory;
import irqlab.kernel.Errno;
import irqlab.kernel.Kernel;
import irqlab.kernel.KernelException;
import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.domain.BusToken;
import irqlab.kernel.domain.IrqDomains;
import irqlab.kernel.ims.ImsArrayChip;
import irqlab.kernel.ims.ImsQueueChip;
import irqlab.kernel.ims.ImsQueueCommands;
import irqlab.kernel.irq.IrqChip;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.irq.IrqHandler;
import irqlab.kernel.irq.IrqReturn;
import irqlab.kernel.msi.MsiDesc;
import irqlab.kernel.msi.MsiDeviceDomain;
import irqlab.kernel.msi.MsiDomainTemplate;
import irqlab.kernel.msi.MsiMsg;
import irqlab.kernel.pci.PciDev;
import irqlab.kernel.pci.PciIms;
import irqlab.kernel.pci.PciMsi;

/**
 * A driver for {@link AcceleratorDevice} in the manner of idxd (drivers/dma/idxd): MSI-X entry 0 is
 * the control interrupt ("misc": command completions), and every enabled work queue gets one IMS
 * interrupt from pci_ims_alloc_irq at any free index, with the queue id as cookie, in an IMS domain
 * next to the MSI-X one. The IMS chip follows the device's store: the slot array chip writes slots
 * directly; the queue-memory chip sends commands through {@link Commands}, which waits for the
 * control interrupt to report them done and resets the device when one does not complete in time,
 * writing off (and reporting) the work its queues still held.
 */
public final class AcceleratorDriver extends PciDriver {
  /** How long a command may take before the device is declared dead. */
  public static final long COMMAND_TIMEOUT_NS = 1_000_000;
  /**
   * Resets in a row, with no command completing in between, after which the driver gives the
   * device up (as drivers mark a device that keeps failing recovery as dead instead of resetting
   * it forever).
   */
  public static final int MAX_RESETS_WITHOUT_PROGRESS = 3;
  /** The poll interval of a spinning command wait. */
  public static final long SPIN_POLL_NS = 500;
  /** IMS domain flags of both templates (as the series' IDXD template). */
  static final int IMS_FLAGS = MsiDomainTemplate.FLAG_ALLOC_SIMPLE_MSI_DESCS
      | MsiDomainTemplate.FLAG_FREE_MSI_DESCS | MsiDomainTemplate.FLAG_PCI_IMS;

  /** How a command's completion is awaited. */
  public enum Wait {
    /** wait_event_timeout on the control interrupt's report: may sleep. */
    SLEEP,
    /** Poll the completion register (readl_poll_timeout_atomic): never sleeps. */
    SPIN
  }

  /** How the queue interrupts' affinity is chosen. */
  public enum AffinityPolicy {
    NONE,
    MANAGED,
    PINNED
  }

  private final PciIms ims;
  private final QueueMemory memory;
  private final int minQueues;
  private final int maxQueues;
  private final AffinityPolicy policy;
  private final CpuMask pinned;
  private final Commands commands = new Commands();
  private final IrqHandler queueHandler = (irq, devId) -> service(queueOf(irq));
  private final IrqHandler miscHandler = (irq, devId) -> misc();
  /** "acc0-wq": every queue's action name, the queue number after it (one string for all). */
  private final String queuePrefix;
  private final Actor worker;
  private Wait wait = Wait.SLEEP;
  private WaitQueue cmdWait;
  private ImsQueueChip queueChip;
  private boolean hostMemory;
  private int nq;
  private int[] queueIndex = new int[0];
  private int miscIrq;
  private long contextBase;
  private int cmdDone;
  private long writtenOff;
  private int resets;

  public AcceleratorDriver(Kernel k, PciDev dev, PciIms ims, QueueMemory memory, String name,
      int minQueues, int maxQueues, AffinityPolicy policy, CpuMask pinned) {
    super(k, dev, name);
    this.queuePrefix = name + "-wq";
    this.ims = ims;
    this.memory = memory;
    this.minQueues = minQueues;
    this.maxQueues = maxQueues;
    this.policy = policy;
    this.pinned = pinned;
    this.worker = k.exec().newActor("kworker/" + name, Actor.Kind.TASK, 0);
  }

  public void setWait(Wait w) {
    this.wait = w;
  }

  /** Work queues given an IMS interrupt at probe. */
  public int queues() {
    return nq;
  }

  /** The IMS index of queue {@code q}'s interrupt, or -1 when it has none. */
  public int imsIndex(int q) {
    return q >= 0 && q < queueIndex.length ? queueIndex[q] : -1;
  }

  /** The Linux irq of IMS index {@code index}; ENOENT when there is none. */
  public int imsIrq(int index) {
    MsiDeviceDomain dd = ims.domain(dev);
    MsiDesc d = dd == null ? null : dd.store().get(index);
    if (d == null || d.irq() == 0) {
      throw new KernelException(Errno.ENOENT, name + " has no IMS interrupt " + index);
    }
    return d.irq();
  }

  /** The control interrupt (MSI-X entry 0). */
  public int miscIrq() {
    if (miscIrq == 0) {
      throw new KernelException(Errno.ENOENT, name + " has no control interrupt");
    }
    return miscIrq;
  }

  public String queueActionName(int q) {
    return queuePrefix + q;
  }

  public String miscActionName() {
    return name + "-misc";
  }

  /** The queue-memory chip, or null with a slot array. */
  public ImsQueueChip queueChip() {
    return queueChip;
  }

  /** Completions written off at device resets, each reported in the kernel log. */
  public long writtenOff() {
    return writtenOff;
  }

  public int resets() {
    return resets;
  }

  // ---- probe and remove ----

  /** probe: control interrupt, queue contexts, IMS domain, then every queue's interrupt, requested. */
  @Override
  public void probe() {
    probe(true);
  }

  /** The sim layer describes an accelerator's probe (it knows the device's store). */
  @Override
  public String probeSummary() {
    return "1 MSI-X control vector, " + nq + " IMS interrupts";
  }

  /** probe, leaving the queue interrupts allocated but not requested when {@code request} is false. */
  public void probe(boolean request) {
    int queues = reg(AcceleratorDevice.REG_NUM_QUEUES);
    int slots = reg(AcceleratorDevice.REG_IMS_SLOTS);
    hostMemory = reg(AcceleratorDevice.REG_IMS_STORE) == 1;
    nq = Math.min(Math.min(queues, maxQueues), slots);
    if (nq < minQueues) {
      throw new KernelException(Errno.ENOSPC, name + ": " + nq + " work queues with IMS, " + minQueues + " needed");
    }
    k.pciMsi().allocIrqVectors(dev, 1, 1, PciMsi.PCI_IRQ_MSIX, null, null);
    try {
      miscIrq = k.pciMsi().irqVector(dev, AcceleratorDevice.CONTROL_ENTRY);
      cmdWait = new WaitQueue(k.exec(), name + "-cmd");
      requestIrq(miscIrq, miscHandler, 0, miscActionName(), this);
      contextBase = memory.allocate((long) queues * QueueContexts.CTX_SIZE);
      programContextTable();
      createImsDomain(slots);
    } catch (KernelException e) {
      unwindProbe();
      throw e;
    }
    queueIndex = new int[queues];
    java.util.Arrays.fill(queueIndex, -1);
    try {
      for (int q = 0; q < nq; q++) {
        allocQueueIrq(q);
      }
      // Queues run before their interrupts start: what completes meanwhile is found from the
      // queue pointers when each interrupt starts up.
      setReg(QueueDevice.REG_CONTROL, QueueDevice.CONTROL_RUN | AcceleratorDevice.CONTROL_CMD_IRQ);
      if (request) {
        for (int q = 0; q < nq; q++) {
          requestQueueIrq(q);
        }
      }
    } catch (KernelException e) {
      setReg(QueueDevice.REG_CONTROL, AcceleratorDevice.CONTROL_CMD_IRQ);
      releaseQueues();
      unwindProbe();
      throw e;
    }
    bound = true;
  }

  private void programContextTable() {
    setReg(AcceleratorDevice.REG_CTX_BASE_LO, (int) contextBase);
    setReg(AcceleratorDevice.REG_CTX_BASE_HI, (int) (contextBase >>> 32));
    setReg(QueueDevice.REG_CONTROL, AcceleratorDevice.CONTROL_CMD_IRQ);
    cmdDone = reg(AcceleratorDevice.REG_CMD_DONE);
  }

  private void createImsDomain(int slots) {
    MsiDomainTemplate t;
    if (hostMemory) {
      queueChip = new ImsQueueChip(k, commands, name + "-ims-bus");
      IrqChip chip = queueChip;
      t = new MsiDomainTemplate(ImsQueueChip.NAME, BusToken.PCI_DEVICE_IMS, IMS_FLAGS, n -> chip);
    } else {
      IrqChip chip = new ImsArrayChip(fn(), AcceleratorDevice.IMS_BAR);
      t = new MsiDomainTemplate(ImsArrayChip.NAME, BusToken.PCI_DEVICE_IMS, IMS_FLAGS, n -> chip);
    }
    ims.createImsDomain(dev, t, slots);
  }

  private IrqDomains.Affinity affinityOf(int q) {
    return switch (policy) {
      case NONE -> null;
      case MANAGED -> new IrqDomains.Affinity(k.cpumaskOf(q % k.nrCpus()), true);
      case PINNED -> new IrqDomains.Affinity(pinned, false);
    };
  }

  /** pci_ims_alloc_irq for queue {@code q} (cookie: the queue id); the slot array learns the handle. */
  public int allocQueueIrq(int q) {
    if (q < 0 || q >= queueIndex.length || queueIndex[q] >= 0) {
      throw new KernelException(Errno.EINVAL, name + ": queue " + q + " has an interrupt or does not exist");
    }
    int[] got = ims.allocIrq(dev, q, affinityOf(q));
    queueIndex[q] = got[0];
    if (!hostMemory) {
      setReg(AcceleratorDevice.INT_HANDLE_BASE + q * 4, AcceleratorDevice.INT_HANDLE_VALID | got[0]);
    }
    return got[0];
  }

  /** request_irq for queue {@code q}'s interrupt. */
  public void requestQueueIrq(int q) {
    requestIrq(imsIrq(queueIndex[q]), queueHandler, 0, queuePrefix, q, this);
  }

  /** free_irq for queue {@code q}'s interrupt. */
  public void freeQueueIrq(int q) {
    freeIrqNumber(imsIrq(queueIndex[q]));
  }

  /** pci_ims_free_irq for queue {@code q}: the queue stops signalling first. */
  public void releaseQueueIrq(int q) {
    int index = queueIndex[q];
    if (index < 0) {
      return;
    }
    if (!hostMemory) {
      setReg(AcceleratorDevice.INT_HANDLE_BASE + q * 4, 0);
    }
    IrqDesc d = k.descs().get(imsIrq(index));
    if (d.action() != null) {
      freeQueueIrq(q);
    }
    ims.freeIrq(dev, index, d.irq());
    queueIndex[q] = -1;
  }

  /** Request by IMS index. */
  @Override
  public void requestIrq(int index) {
    requestIrq(imsIrq(index), queueHandler, 0, queuePrefix, queueOf(imsIrq(index)), this);
  }

  /** Free by IMS index. */
  @Override
  public void freeIrq(int index) {
    freeIrqNumber(imsIrq(index));
  }

  /** Timeline request-irq: IMS interrupts only; the control interrupt stays the driver's. */
  @Override
  public void requestAction(int irq) {
    requestIrq(imsIndexOfIrq(irq));
  }

  @Override
  public void freeAction(int irq) {
    int index = imsIndexOfIrq(irq);
    if (k.descs().get(irq).action() == null) {
      // A second free_irq of the queue's line: __free_irq finds no action of this dev_id and
      // WARNs "Trying to free already-free IRQ" (kernel/irq/manage.c), as for any other driver.
      k.manage().freeIrq(irq, this);
      return;
    }
    freeIrq(index);
  }

  private int imsIndexOfIrq(int irq) {
    if (irq == miscIrq) {
      throw new KernelException(Errno.EINVAL, name + "/msix/0 is the control interrupt, which the driver keeps");
    }
    return ((MsiDesc) k.descs().get(irq).msiDesc()).msiIndex();
  }

  private void releaseQueues() {
    for (int q = 0; q < queueIndex.length; q++) {
      if (queueIndex[q] >= 0) {
        releaseQueueIrq(q);
      }
    }
  }

  private void unwindProbe() {
    if (ims.domain(dev) != null) {
      ims.removeImsDomain(dev);
    }
    if (miscIrq != 0 && k.descs().get(miscIrq).action() != null) {
      freeIrqNumber(miscIrq);
    }
    k.pciMsi().freeIrqVectors(dev);
    miscIrq = 0;
    queueChip = null;
  }

  /** remove: queues stop, their interrupts go (with teardown commands), the IMS domain, then MSI-X. */
  @Override
  public void remove() {
    if (!bound) {
      throw new KernelException(Errno.ENODEV, name + " is not bound");
    }
    setReg(QueueDevice.REG_CONTROL, AcceleratorDevice.CONTROL_CMD_IRQ);
    releaseQueues();
    unwindProbe();
    setReg(QueueDevice.REG_CONTROL, 0);
    bound = false;
  }

  // ---- interrupts ----

  /** The queue an IMS interrupt belongs to: its descriptor's cookie. */
  private int queueOf(int irq) {
    return (int) ((MsiDesc) k.descs().get(irq).msiDesc()).cookie();
  }

  private long ctx(int q, int off) {
    return contextBase + (long) q * QueueContexts.CTX_SIZE + off;
  }

  /** A queue's handler: consume everything up to the producer pointer. */
  private IrqReturn service(int q) {
    int producer = memory.read32(ctx(q, QueueContexts.PRODUCER));
    int consumer = memory.read32(ctx(q, QueueContexts.CONSUMER));
    if (producer == consumer) {
      return IrqReturn.NONE;
    }
    memory.write32(ctx(q, QueueContexts.CONSUMER), producer);
    return IrqReturn.HANDLED;
  }

  /** The control interrupt: note how far the command queue got and wake the waiters. */
  private IrqReturn misc() {
    int done = reg(AcceleratorDevice.REG_CMD_DONE);
    if (done == cmdDone) {
      return IrqReturn.NONE;
    }
    cmdDone = done;
    cmdWait.wakeUp();
    return IrqReturn.HANDLED;
  }

  // ---- the command queue ----

  /** The queue-memory chip's commands: submit, then wait for the control interrupt's report. */
  private final class Commands implements ImsQueueCommands {
    private int submit(int op, int q, int a0, int a1, int a2) {
      setReg(AcceleratorDevice.REG_CMD_OPCODE, op);
      setReg(AcceleratorDevice.REG_CMD_QUEUE, q);
      setReg(AcceleratorDevice.REG_CMD_ARG0, a0);
      setReg(AcceleratorDevice.REG_CMD_ARG1, a1);
      setReg(AcceleratorDevice.REG_CMD_ARG2, a2);
      if (dead) {
        throw new KernelException(Errno.ENODEV, name + ": device given up, command " + op + " for queue " + q + " dropped");
      }
      setReg(AcceleratorDevice.REG_CMD_SUBMIT, 1);
      int seq = reg(AcceleratorDevice.REG_CMD_SUBMIT);
      if (!waitDone(seq)) {
        recoverLater();
        throw new KernelException(Errno.ETIMEDOUT, name + ": command " + op + " for queue " + q
            + " not completed within " + COMMAND_TIMEOUT_NS / 1000 + " us");
      }
      resetsWithoutProgress = 0;
      return seq;
    }

    private boolean waitDone(int seq) {
      if (wait == Wait.SLEEP) {
        if (cmdWait.waitEventTimeout(() -> cmdDone - seq >= 0, COMMAND_TIMEOUT_NS)) {
          return true;
        }
        // Only the device can say a command is lost: the control interrupt reporting it may just
        // be late (its CPU slow to take it, or preempted inside the handler). Reset only when the
        // completion register has not moved either.
        return reg(AcceleratorDevice.REG_CMD_DONE) - seq >= 0;
      }
      long deadline = k.exec().now() + COMMAND_TIMEOUT_NS;
      while (reg(AcceleratorDevice.REG_CMD_DONE) - seq < 0) {
        if (k.exec().now() >= deadline) {
          return false;
        }
        k.exec().waitUntil("cpu_relax", () -> false, SPIN_POLL_NS);
      }
      return true;
    }

    @Override
    public void setMessage(int queue, MsiMsg msg) {
      submit(AcceleratorDevice.CMD_SET_MSG, queue, msg.addressLo(), msg.addressHi(), msg.data());
    }

    @Override
    public void mask(int queue) {
      submit(AcceleratorDevice.CMD_MASK, queue, 0, 0, 0);
    }

    @Override
    public void unmask(int queue) {
      submit(AcceleratorDevice.CMD_UNMASK, queue, 0, 0, 0);
    }

    @Override
    public void startup(int queue, MsiMsg msg) {
      submit(AcceleratorDevice.CMD_STARTUP, queue, msg.addressLo(), msg.addressHi(), msg.data());
    }

    @Override
    public void teardown(int queue) {
      submit(AcceleratorDevice.CMD_TEARDOWN, queue, 0, 0, 0);
    }

    @Override
    public void storeDirect(int queue, MsiMsg msg, boolean enabled, boolean masked) {
      memory.write32(ctx(queue, QueueContexts.ADDR_LO), msg == null ? 0 : msg.addressLo());
      memory.write32(ctx(queue, QueueContexts.ADDR_HI), msg == null ? 0 : msg.addressHi());
      memory.write32(ctx(queue, QueueContexts.DATA), msg == null ? 0 : msg.data());
      memory.write32(ctx(queue, QueueContexts.CTRL),
          (enabled ? QueueContexts.CTRL_ENABLE : 0) | (masked ? QueueContexts.CTRL_MASKBIT : 0));
    }

    @Override
    public Actor worker() {
      return worker;
    }
  }

  // ---- recovery ----

  private boolean recoveryQueued;
  private int resetsWithoutProgress;
  private boolean dead;

  /** A timed-out command: the reset runs from the driver's work item, once. */
  private void recoverLater() {
    if (recoveryQueued) {
      return;
    }
    recoveryQueued = true;
    k.exec().schedule(Event.of(worker, this::resetDevice), k.exec().now());
  }

  /**
   * The device stopped answering: reset it, write off and report the work its queues still held,
   * program it again and let the IMS chip push every started queue's interrupt anew.
   */
  private void resetDevice() {
    if (queueChip != null) {
      // No IMS update may be in flight while the device forgets everything.
      queueChip.withBusLocked(this::reset);
    } else {
      reset();
    }
  }

  /**
   * Recovery keeps failing: stop the device, write off and report what its queues still hold, and
   * fail every later command at once instead of waiting for a device that will not answer.
   */
  private void giveUp() {
    dead = true;
    k.log().err(name + " " + dev.devName() + ": device still not answering after "
        + MAX_RESETS_WITHOUT_PROGRESS + " resets, giving it up");
    setReg(QueueDevice.REG_CONTROL, AcceleratorDevice.CONTROL_RESET);
    writeOffQueues("as the device was given up");
    setReg(QueueDevice.REG_CONTROL, 0);
  }

  /** Whether recovery gave the device up. */
  public boolean dead() {
    return dead;
  }

  private void writeOffQueues(String why) {
    for (int q = 0; q < nq; q++) {
      int producer = memory.read32(ctx(q, QueueContexts.PRODUCER));
      int consumer = memory.read32(ctx(q, QueueContexts.CONSUMER));
      if (producer != consumer) {
        int lost = producer - consumer;
        writtenOff += lost;
        k.log().err(name + ": queue " + q + ": " + lost + " completion(s) not delivered, written off " + why);
        memory.write32(ctx(q, QueueContexts.CONSUMER), producer);
      }
    }
  }

  private void reset() {
    recoveryQueued = false;
    if (dead) {
      return;
    }
    if (++resetsWithoutProgress > MAX_RESETS_WITHOUT_PROGRESS) {
      giveUp();
      return;
    }
    resets++;
    k.log().err(name + " " + dev.devName() + ": device stopped answering commands, resetting it");
    setReg(QueueDevice.REG_CONTROL, AcceleratorDevice.CONTROL_RESET);
    writeOffQueues("by the reset");
    programContextTable();
    if (queueChip != null) {
      queueChip.deviceWasReset();
    }
    if (bound) {
      setReg(QueueDevice.REG_CONTROL, QueueDevice.CONTROL_RUN | AcceleratorDevice.CONTROL_CMD_IRQ);
    }
  }
}
