package irqlab.kernel.drivers;

import irqlab.hw.devices.QueueDevice;
import irqlab.hw.devices.VirtioNetDevice;
import irqlab.kernel.Errno;
import irqlab.kernel.Kernel;
import irqlab.kernel.KernelException;
import irqlab.kernel.cpu.CpuHp;
import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.irq.IrqAction;
import irqlab.kernel.irq.IrqHandler;
import irqlab.kernel.irq.IrqReturn;
import irqlab.kernel.pci.PciDev;
import irqlab.kernel.pci.PciIntx;
import irqlab.kernel.pci.PciMsi;
import java.util.ArrayList;
import java.util.List;

/**
 * virtio-net over virtio-pci, Linux 6.12 (drivers/virtio/virtio_pci_common.c,
 * drivers/net/virtio_net.c), as its interrupts live. vp_find_vqs tries, each with an exact
 * vector count: one vector per virtqueue with a callback plus the configuration vector, the
 * same with the slow paths sharing the configuration vector (without an admin queue: the same
 * count), two vectors (configuration, and one for every queue), then INTx. Nothing is managed.
 * A vector the matrix cannot give shows at request_irq (ENOSPC, reservation mode) and sends the
 * driver to the next policy. Names: virtioN-config, virtioN-input.i / -output.i, virtioN-virtqueues,
 * virtioN (INTx). virtnet_set_affinity spreads the queue pairs in use over the online CPUs with
 * irq_set_affinity_and_hint and runs again when a CPU comes online or has died.
 */
public final class VirtioNetDriver extends PciDriver implements NetDriver {
  private enum Policy {
    EACH,
    SHARED_SLOW,
    SHARED
  }

  private final int typeFlags;
  private final int vectorCap;
  private final CpuHp.Instance online = new CpuHp.Instance() {
    @Override
    public void startup(int cpu) {
      setAffinity();
    }

    @Override
    public void teardown(int cpu) {
      cleanAffinity();
    }
  };
  private final CpuHp.Instance dead = new CpuHp.Instance() {
    @Override
    public void teardown(int cpu) {
      setAffinity();
    }
  };
  private int index = -1;
  private int eth = -1;
  private boolean up;
  private boolean intx;
  private boolean perVqVectors;
  private int maxPairs;
  private int currPairs;
  /** Each virtqueue's MSI-X vector, or NO_VECTOR. */
  private int[] vqVector = new int[0];
  private String summary = "";

  /** {@code vectorCap} caps the vector counts it may ask for; {@code kind} (null: any) the modes. */
  public VirtioNetDriver(Kernel k, PciDev dev, String name, int vectorCap, String kind) {
    super(k, dev, name);
    this.vectorCap = vectorCap;
    this.typeFlags = NvmeDriver.allowedTypes(kind);
  }

  @Override
  public String probeSummary() {
    return summary;
  }

  @Override
  public String ifname() {
    return eth < 0 ? null : "eth" + eth;
  }

  @Override
  public boolean up() {
    return up;
  }

  /** The virtio device's name, virtioN. */
  public String virtioName() {
    return "virtio" + index;
  }

  /** Queue pairs in use (curr_queue_pairs). */
  public int queuePairs() {
    return currPairs;
  }

  // ---- probe ----

  /**
   * virtio_pci_probe: the function enabled (its INTx pin routed: pci_enable_device) and the
   * virtio device registered as virtioN. At boot this runs at virtio_pci's initcall, before the
   * other PCI drivers; virtio_net binds to the device later, at its own.
   */
  public void pciProbe() {
    if (index >= 0) {
      return;
    }
    enableDevice();
    index = k.ida("virtio").alloc();
  }

  /**
   * virtnet_probe (after virtio_pci_probe, unless that ran at its initcall already):
   * curr_queue_pairs is the offered pairs, at most one per online CPU; init_vqs finds the queues
   * and sets their affinity; the interface registers (ethN); the hotplug callbacks are added.
   */
  @Override
  public void probe() {
    if (bound) {
      throw new KernelException(Errno.EBUSY, name + " is bound");
    }
    pciProbe();
    maxPairs = (reg(QueueDevice.REG_NUM_QUEUES) - 1) / 2;
    int onlineCpus = k.onlineMask().cardinality();
    currPairs = Math.min(maxPairs, onlineCpus);
    // A failure leaves virtioN registered (virtio_pci stays bound), as in Linux.
    findVqs();
    setReg(QueueDevice.REG_CONTROL, QueueDevice.CONTROL_RUN);
    setAffinity();
    eth = k.ida("eth").alloc();
    k.cpuHp().addInstance(CpuHp.State.AP_ONLINE_DYN, online);
    k.cpuHp().addInstance(CpuHp.State.VIRT_NET_DEAD, dead);
    bound = true;
  }

  /** Virtqueue count: input and output of every offered pair, then the control queue. */
  private int vqs() {
    return 2 * maxPairs + 1;
  }

  private String vqName(int vq) {
    return vq == 2 * maxPairs ? "control" : (vq % 2 == 0 ? "input." : "output.") + vq / 2;
  }

  /** Only the control queue has no callback, so no vector. */
  private boolean hasCallback(int vq) {
    return vq < 2 * maxPairs;
  }

  /** vp_find_vqs: MSI-X policies in turn, then INTx when the device has a line. */
  private void findVqs() {
    KernelException err = null;
    if ((typeFlags & PciMsi.PCI_IRQ_MSIX) != 0) {
      for (Policy p : Policy.values()) {
        try {
          findVqsMsix(p);
          return;
        } catch (KernelException e) {
          err = e;
        }
      }
    }
    if (dev.irq() == 0) {
      throw err != null ? err : new KernelException(Errno.ENOENT, name + ": no MSI-X and no INTx line");
    }
    findVqsIntx();
  }

  /**
   * vp_find_vqs_msix: pci_alloc_irq_vectors(n, n, MSI-X), the configuration interrupt, then each
   * queue's vector (and per-queue interrupt). Any failure deletes everything (vp_del_vqs).
   */
  private void findVqsMsix(Policy policy) {
    boolean perVq = policy != Policy.SHARED;
    int nvectors = 2;
    if (perVq) {
      nvectors = 1;
      for (int vq = 0; vq < vqs(); vq++) {
        if (hasCallback(vq)) {
          nvectors++;
        }
      }
    }
    vqVector = new int[vqs()];
    java.util.Arrays.fill(vqVector, VirtioNetDevice.NO_VECTOR);
    try {
      if (nvectors > vectorCap) {
        throw new KernelException(Errno.ENOSPC, name + ": " + nvectors + " vectors above the cap of " + vectorCap);
      }
      k.pciMsi().allocIrqVectors(dev, nvectors, nvectors, PciMsi.PCI_IRQ_MSIX, null, null);
      int used = 0;
      requestIrq(k.pciMsi().irqVector(dev, used), this::configChanged, 0, virtioName() + "-config", this);
      used++;
      setReg(VirtioNetDevice.REG_CONFIG_VECTOR, 0);
      if (reg(VirtioNetDevice.REG_CONFIG_VECTOR) == VirtioNetDevice.NO_VECTOR) {
        throw new KernelException(Errno.EBUSY, name + ": no configuration vector");
      }
      if (!perVq) {
        requestIrq(k.pciMsi().irqVector(dev, used), (irq, devId) -> vringInterrupt(-1), 0,
            virtioName() + "-virtqueues", this);
        used++;
      }
      perVqVectors = perVq;
      int allocated = used;
      for (int vq = 0; vq < vqs(); vq++) {
        // vp_find_one_vq_msix: without a callback no vector; per queue or the shared one.
        int vec = !hasCallback(vq) ? VirtioNetDevice.NO_VECTOR : perVq ? allocated++ : 1;
        setupVq(vq, vec);
        if (perVq && vec != VirtioNetDevice.NO_VECTOR) {
          int q = vq;
          requestIrq(k.pciMsi().irqVector(dev, vec), (irq, devId) -> vringInterrupt(q), 0,
              virtioName() + "-" + vqName(vq), new Object());
        }
      }
      summary = nvectors + " MSI-X vectors (" + (perVq ? "one per virtqueue" : "shared by the virtqueues") + ")";
    } catch (KernelException e) {
      delVqs();
      throw e;
    }
  }

  /** vp_setup_vq: the queue's vector, read back; NO_VECTOR means the device had none left. */
  private void setupVq(int vq, int vector) {
    int off = QueueDevice.queueRegister(vq, QueueDevice.REG_IVAR);
    setReg(off, vector == VirtioNetDevice.NO_VECTOR ? VirtioNetDevice.NO_VECTOR : QueueDevice.IVAR_VALID | vector);
    vqVector[vq] = vector;
    if (vector != VirtioNetDevice.NO_VECTOR && (reg(off) & QueueDevice.IVAR_VALID) == 0) {
      throw new KernelException(Errno.EBUSY, name + ": no vector for " + vqName(vq));
    }
  }

  /** vp_find_vqs_intx: one shared line for the configuration and every queue (vp_interrupt). */
  private void findVqsIntx() {
    PciIntx.useLine(dev, true);
    requestIrq(dev.irq(), this::vpInterrupt, IrqAction.IRQF_SHARED, virtioName(), this);
    intx = true;
    perVqVectors = false;
    vqVector = new int[vqs()];
    for (int vq = 0; vq < vqs(); vq++) {
      // In INTx mode the queues signal through the ISR; their vector registers are not used.
      setReg(QueueDevice.queueRegister(vq, QueueDevice.REG_IVAR), QueueDevice.IVAR_VALID);
      vqVector[vq] = VirtioNetDevice.NO_VECTOR;
    }
    summary = "INTx (irq " + dev.irq() + ")";
  }

  /** vp_del_vqs: hints cleared and interrupts freed, the configuration vector unset, vectors freed. */
  private void delVqs() {
    for (int vq = 0; vq < vqVector.length; vq++) {
      if (perVqVectors && vqVector[vq] != VirtioNetDevice.NO_VECTOR && dev.msixEnabled()) {
        k.manage().applyAffinityHint(k.pciMsi().irqVector(dev, vqVector[vq]), null, false);
      }
      setReg(QueueDevice.queueRegister(vq, QueueDevice.REG_IVAR), VirtioNetDevice.NO_VECTOR);
    }
    freeAllRequested();
    if (dev.msixEnabled()) {
      setReg(VirtioNetDevice.REG_CONFIG_VECTOR, VirtioNetDevice.NO_VECTOR);
    }
    k.pciMsi().freeIrqVectors(dev);
    intx = false;
    perVqVectors = false;
    vqVector = new int[0];
  }

  // ---- interrupts ----

  /** vp_config_changed: a configuration change; nothing queued behind it in this model. */
  private IrqReturn configChanged(int irq, Object devId) {
    return IrqReturn.HANDLED;
  }

  /** vring_interrupt for queue {@code vq} (all queues when -1, vp_vring_interrupt). */
  private IrqReturn vringInterrupt(int vq) {
    boolean any = false;
    for (int q = vq < 0 ? 0 : vq; q < (vq < 0 ? vqs() : vq + 1); q++) {
      int off = QueueDevice.queueRegister(q, QueueDevice.REG_COMPLETIONS);
      int done = reg(off);
      if (done > 0) {
        setReg(off, done);
        any = true;
      }
    }
    return any ? IrqReturn.HANDLED : IrqReturn.NONE;
  }

  /** vp_interrupt: the ISR read returns and clears it; not ours when it reads 0. */
  private IrqReturn vpInterrupt(int irq, Object devId) {
    if (reg(VirtioNetDevice.REG_ISR) == 0) {
      return IrqReturn.NONE;
    }
    vringInterrupt(-1);
    return IrqReturn.HANDLED;
  }

  // ---- affinity ----

  /**
   * virtnet_set_affinity: stride = online CPUs / pairs in use (at least 1), the first
   * {@code online % pairs} pairs one CPU more; each pair's input and output interrupts get
   * irq_set_affinity_and_hint of its CPUs (vp_set_vq_affinity; ignored without MSI-X).
   */
  private void setAffinity() {
    if (currPairs == 0) {
      return;
    }
    int numCpu = k.onlineMask().cardinality();
    int stride = Math.max(numCpu / currPairs, 1);
    int stragglers = numCpu >= currPairs ? numCpu % currPairs : 0;
    int cpu = k.onlineMask().firstCpu();
    for (int i = 0; i < currPairs; i++) {
      int group = stride + (i < stragglers ? 1 : 0);
      CpuMask mask = CpuMask.EMPTY;
      for (int j = 0; j < group; j++) {
        mask = mask.with(cpu);
        cpu = nextWrap(cpu);
      }
      setVqAffinity(2 * i, mask);
      setVqAffinity(2 * i + 1, mask);
    }
  }

  /** cpumask_next_wrap over the online CPUs. */
  private int nextWrap(int cpu) {
    int n = k.onlineMask().nextCpu(cpu + 1);
    return n >= 0 ? n : k.onlineMask().firstCpu();
  }

  /** virtnet_clean_affinity: every pair's hint goes; the affinity stays. */
  private void cleanAffinity() {
    for (int vq = 0; vq < 2 * maxPairs; vq++) {
      setVqAffinity(vq, null);
    }
  }

  /** vp_set_vq_affinity. */
  private void setVqAffinity(int vq, CpuMask mask) {
    if (!dev.msixEnabled() || vq >= vqVector.length || vqVector[vq] == VirtioNetDevice.NO_VECTOR) {
      return;
    }
    int irq = k.pciMsi().irqVector(dev, vqVector[vq]);
    k.manage().applyAffinityHint(irq, mask, mask != null);
  }

  // ---- the interface ----

  /** Traffic flows on pair {@code pair} only while the interface is up and the pair in use. */
  public boolean carries(int pair) {
    return bound && up && pair < currPairs;
  }

  /** virtnet_open: the receive queues are filled and NAPI enabled; no interrupt changes. */
  @Override
  public void open() {
    if (!bound) {
      throw new KernelException(Errno.ENODEV, name + " is not bound");
    }
    up = true;
  }

  /** virtnet_close. */
  @Override
  public void stop() {
    if (!bound) {
      throw new KernelException(Errno.ENODEV, name + " is not bound");
    }
    up = false;
  }

  /** virtnet_remove: hotplug callbacks, the interface, the queues (vp_del_vqs), virtio_pci's remove. */
  @Override
  public void remove() {
    if (!bound) {
      throw new KernelException(Errno.ENODEV, name + " is not bound");
    }
    k.cpuHp().removeInstance(CpuHp.State.AP_ONLINE_DYN, online);
    k.cpuHp().removeInstance(CpuHp.State.VIRT_NET_DEAD, dead);
    up = false;
    k.ida("eth").free(eth);
    eth = -1;
    setReg(QueueDevice.REG_CONTROL, 0);
    delVqs();
    k.ida("virtio").free(index);
    index = -1;
    bound = false;
  }

  /** The virtqueues of pair {@code pair}: input then output. */
  public static List<Integer> pairQueues(int pair) {
    List<Integer> l = new ArrayList<>();
    l.add(2 * pair);
    l.add(2 * pair + 1);
    return l;
  }
}
