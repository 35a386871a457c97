package irqlab.kernel.vmd;

import irqlab.exec.Access;
import irqlab.exec.RawSpinLock;
import irqlab.exec.Resource;
import irqlab.hw.devices.VmdDevice;
import irqlab.kernel.Errno;
import irqlab.kernel.Freed;
import irqlab.kernel.Kernel;
import irqlab.kernel.KernelException;
import irqlab.kernel.KernelObserver;
import irqlab.kernel.Variants;
import irqlab.kernel.domain.BusToken;
import irqlab.kernel.domain.IrqDomain;
import irqlab.kernel.drivers.PciDriver;
import irqlab.kernel.irq.IrqAction;
import irqlab.kernel.irq.IrqData;
import irqlab.kernel.irq.IrqReturn;
import irqlab.kernel.msi.MsiDeviceDomain;
import irqlab.kernel.msi.MsiGlobalDomain;
import irqlab.kernel.pci.PciDev;
import irqlab.kernel.pci.PciMsi;
import java.util.ArrayList;
import java.util.List;

/**
 * The VMD driver (drivers/pci/controller/vmd.c, Linux 6.12): vmd_probe and vmd_enable_domain
 * take the endpoint's MSI-X vectors ("vmd0", IRQF_NO_THREAD, not managed), one list and SRCU per
 * vector, turn remapping on in VMCONFIG, create the VMD-MSI domain (no parent, bus token VMD_MSI)
 * and give it to the devices of the new PCI domain; a part with VMD_FEAT_CAN_BYPASS_MSI_REMAP
 * takes no vectors, turns remapping off, and its children use the platform's MSI parent with the
 * VMD's requester id.
 *
 * <p>The interrupt path: a child's message makes the VMD signal its own vector; vmd_irq walks that
 * vector's list under srcu_read_lock and calls generic_handle_irq for every enabled child, raised
 * or not; children run handle_untracked_irq, so their counts stay 0 and the VMD vector has them.
 * Enable is list_add_tail_rcu and unmask, disable mask and list_del_rcu (both under list_lock,
 * inside the descriptor lock); vmd_msi_free waits for the vector's readers (synchronize_srcu)
 * before it frees the entry. Variants give the historical designs (see {@link Variants}).
 */
public final class VmdDriver extends PciDriver {
  /** PCI_CLASS_STORAGE_EXPRESS: the class vmd_next_irq spreads over the fast vectors. */
  public static final int PCI_CLASS_STORAGE_EXPRESS = 0x010802;
  /** MSI_FLAG_* of vmd_msi_domain_info after pci_msi_create_irq_domain. */
  static final int DOMAIN_FLAGS = irqlab.kernel.msi.MsiDomainTemplate.FLAG_USE_DEF_DOM_OPS
      | irqlab.kernel.msi.MsiDomainTemplate.FLAG_USE_DEF_CHIP_OPS
      | irqlab.kernel.msi.MsiDomainTemplate.FLAG_NO_AFFINITY | irqlab.kernel.msi.MsiDomainTemplate.FLAG_PCI_MSIX
      | irqlab.kernel.msi.MsiDomainTemplate.FLAG_FREE_MSI_DESCS
      | irqlab.kernel.msi.MsiDomainTemplate.FLAG_ACTIVATE_EARLY
      | irqlab.kernel.msi.MsiDomainTemplate.FLAG_DEV_SYSFS
      | irqlab.kernel.msi.MsiDomainTemplate.FLAG_MUST_REACTIVATE;

  private final VmdModule module;
  private final boolean offsetFirstVector;
  private final RawSpinLock listLock;
  /** The devices of the VMD's PCI domain, whose bus this driver sets up. */
  private final List<PciDev> children = new ArrayList<>();
  private int instance = -1;
  private String vmdName = "vmd";
  private int pciDomain;
  private int firstVec;
  private int msixCount;
  private boolean bypass;
  private VmdIrqList[] irqs = new VmdIrqList[0];
  private IrqDomain irqDomain;
  private MsiGlobalDomain global;
  private VmdMsiParent parent;
  private String summary = "";
  /**
   * What the interrupt path's points name: each vector's list head (irqs[i].irq_list) and each
   * child's list entry (struct vmd_irq, one unit per child irq): walkers read them; list_add,
   * list_del and kfree write the entry.
   */
  private Resource lists = new Resource("vmd irq_list");
  private Resource entries = new Resource("struct vmd_irq");

  public VmdDriver(Kernel k, PciDev dev, String name, VmdModule module, boolean offsetFirstVector) {
    super(k, dev, name);
    this.module = module;
    this.offsetFirstVector = offsetFirstVector;
    this.listLock = module.listLock();
  }

  /** A device of the VMD's domain (enumerated by the root bus vmd_enable_domain creates). */
  public void addChild(PciDev child) {
    children.add(child);
  }

  @Override
  public String probeSummary() {
    return summary;
  }

  // ---- probe / remove ----

  /** vmd_probe. */
  @Override
  public void probe() {
    enableDevice();
    instance = k.ida("vmd").alloc();
    vmdName = "vmd" + instance;
    lists = Resource.of(vmdName + " irq_list", off -> off, off -> "irqs[" + off + "]");
    entries = Resource.of(vmdName + " struct vmd_irq", off -> off & 0xffffffffL,
        off -> "irq " + (off & 0xffffffffL) + ((off >>> 32) != 0 ? " (off the list)" : ""));
    // VMD_FEAT_OFFSET_FIRST_VECTOR: vector 0 is for software triggering, not for children.
    firstVec = offsetFirstVector ? 1 : 0;
    try {
      enableDomain();
    } catch (KernelException e) {
      freeAllRequested();
      k.pciMsi().freeIrqVectors(dev);
      if (pciDomain != 0) {
        module.freeDomain(pciDomain);
        pciDomain = 0;
      }
      k.ida("vmd").free(instance);
      instance = -1;
      throw e;
    }
    k.log().info("vmd " + dev.devName() + ": Bound to PCI domain " + String.format("%04x", pciDomain));
    summary = bypass ? "PCI domain " + Integer.toHexString(pciDomain) + ", MSI remapping bypassed (children use"
        + " the platform's MSI domains)"
        : "PCI domain " + Integer.toHexString(pciDomain) + ", " + msixCount + " MSI-X vectors (" + vmdName
            + "), domain " + irqDomain.debugfsName();
    bound = true;
  }

  /** vmd_enable_domain. */
  private void enableDomain() {
    pciDomain = module.allocDomain();
    VmdDevice hw = (VmdDevice) dev.function();
    if (!hw.canBypass()) {
      allocIrqs();
      setMsiRemapping(true);
      createIrqDomain();
    } else {
      bypass = true;
      setMsiRemapping(false);
    }
    // pci_create_root_bus and dev_set_msi_domain: the new bus's devices use the VMD's domain, or in
    // bypass the VMD endpoint's own (the platform's); pci_real_dma_dev names the VMD either way.
    for (PciDev c : children) {
      c.setRealDmaDev(dev);
      if (parent != null) {
        c.setMsiParent(parent, irqDomain);
      } else if (global != null) {
        c.setGlobalMsiDomain(global);
      }
    }
  }

  /** vmd_alloc_irqs: first_vec + 1 to all MSI-X vectors, each requested as "vmdN" with its list. */
  private void allocIrqs() {
    int count = dev.msixVecCount();
    if (count < 0) {
      throw new KernelException(Errno.ENODEV, name + ": no MSI-X capability");
    }
    msixCount = k.pciMsi().allocIrqVectors(dev, firstVec + 1, count, PciMsi.PCI_IRQ_MSIX, null, null);
    irqs = new VmdIrqList[msixCount];
    for (int i = 0; i < msixCount; i++) {
      VmdIrqList l = new VmdIrqList(k.exec(), this, vmdName, i);
      irqs[i] = l;
      l.virq = k.pciMsi().irqVector(dev, i);
      requestIrq(l.virq, (irq, devId) -> vmdIrq((VmdIrqList) devId), IrqAction.IRQF_NO_THREAD, vmdName, l);
    }
  }

  /** vmd_set_msi_remapping: VMCONFIG's MSI_REMAP bit set turns the remapping off. */
  private void setMsiRemapping(boolean enable) {
    int reg = fn().configRead16(VmdDevice.VMCONFIG);
    reg = enable ? reg & ~VmdDevice.VMCONFIG_MSI_REMAP : reg | VmdDevice.VMCONFIG_MSI_REMAP;
    fn().configWrite16(VmdDevice.VMCONFIG, reg);
  }

  /**
   * vmd_create_irq_domain: fwnode "VMD-MSI-<domain>" (irq_domain_alloc_named_id_fwnode, decimal),
   * pci_msi_create_irq_domain adds the PCI_MSI token (3), irq_domain_update_bus_token VMD_MSI
   * (10): "VMD-MSI-65536-3-10", no parent. The 2025 design (the per-device variant) makes an MSI
   * parent instead.
   */
  private void createIrqDomain() {
    if (k.variants().on(Variants.VMD_PERDEVICE_NO_STARTUP)) {
      parent = new VmdMsiParent(this);
      irqDomain = k.domains().create("VMD-MSI-" + pciDomain + "-" + BusToken.VMD_MSI.value(), null,
          parent.ops(), IrqDomain.FLAG_NAME_ALLOCATED | IrqDomain.FLAG_MSI_PARENT, BusToken.VMD_MSI, this);
      return;
    }
    VmdMsiDomain ops = new VmdMsiDomain(this);
    irqDomain = k.domains().create("VMD-MSI-" + pciDomain + "-" + BusToken.PCI_MSI.value() + "-"
        + BusToken.VMD_MSI.value(), null, ops, IrqDomain.FLAG_NAME_ALLOCATED | IrqDomain.FLAG_MSI,
        BusToken.VMD_MSI, this);
    global = new MsiGlobalDomain(irqDomain, ops.chip(), new irqlab.kernel.msi.MsiDomainTemplate("VMD-MSI",
        BusToken.VMD_MSI, DOMAIN_FLAGS, n -> ops.chip()));
  }

  /** vmd_remove (devres frees the vectors): the devices of the domain must be gone first. */
  @Override
  public void remove() {
    if (!bound) {
      throw new KernelException(Errno.ENODEV, name + " is not bound");
    }
    for (VmdIrqList l : irqs) {
      if (l.assigned() > 0) {
        throw new KernelException(Errno.EBUSY, name + ": devices of PCI domain " + Integer.toHexString(pciDomain)
            + " still have interrupts");
      }
    }
    freeAllRequested();
    k.pciMsi().freeIrqVectors(dev);
    if (irqDomain != null) {
      k.domains().remove(irqDomain);
    }
    if (!bypass) {
      setMsiRemapping(true);
    }
    module.freeDomain(pciDomain);
    k.ida("vmd").free(instance);
    irqDomain = null;
    global = null;
    parent = null;
    irqs = new VmdIrqList[0];
    bound = false;
  }

  // ---- the interrupt path ----

  /**
   * vmd_irq: every enabled child of the vector runs, under the vector's SRCU (the 2015 design:
   * rcu_read_lock; the list-lock variant: list_lock, the order lockdep complains of).
   */
  IrqReturn vmdIrq(VmdIrqList l) {
    l.countRun();
    if (k.variants().on(Variants.VMD_LIST_LOCK_IN_HANDLER)) {
      listLock.lock();
      try {
        walk(l);
      } finally {
        listLock.unlock();
      }
    } else if (k.variants().on(Variants.VMD_RCU_LIST_ONLY)) {
      k.rcu().readLock();
      try {
        walk(l);
      } finally {
        k.rcu().readUnlock();
      }
    } else {
      int idx = l.srcu.readLock();
      try {
        walk(l);
      } finally {
        l.srcu.readUnlock(idx);
      }
    }
    return IrqReturn.HANDLED;
  }

  /** list_for_each_entry_rcu with generic_handle_irq for each entry. */
  private void walk(VmdIrqList l) {
    k.exec().point("vmd_irq: rcu_dereference(irq_list.next)", lists, l.index, Access.READ);
    VmdIrq e = l.head.next;
    while (e != l.head) {
      k.exec().point("vmd_irq: vmdirq->virq", entries, e.offset(), Access.READ);
      if (usedAfterFree(l, e, "vmd_irq reading vmdirq->virq")) {
        return;
      }
      l.countCall();
      k.chipFlow().genericHandleIrq(e.virq);
      k.exec().point("vmd_irq: vmdirq->node.next", entries, e.offset(), Access.READ);
      if (usedAfterFree(l, e, "list_for_each_entry_rcu reading vmdirq->node.next")) {
        return;
      }
      e = e.next;
    }
  }

  private boolean usedAfterFree(VmdIrqList l, VmdIrq e, String where) {
    if (e.freed == null) {
      return false;
    }
    String detail = vmdName + " vector " + l.index + "'s list entry (struct vmd_irq) of irq " + e.virq + " used by "
        + k.current().name() + " in " + where + ", " + e.freed;
    for (KernelObserver o : k.observers()) {
      o.useAfterFree(detail, e.virq);
    }
    return true;
  }

  /** vmd_irq_enable's list part: list_add_tail_rcu under list_lock. */
  void listAdd(VmdIrq e) {
    boolean f = k.localIrqSave();
    listLock.lock();
    try {
      if (e.enabled) {
        // WARN_ON(vmdirq->enabled); the model does not add it twice (that would loop the list).
        k.log().warn("WARNING: vmd_irq_enable: irq " + e.virq + " is enabled already");
        return;
      }
      k.exec().point("vmd_irq_enable: list_add_tail_rcu", entries, e.offset(), Access.WRITE);
      e.addTailRcu(e.irq.head);
      e.enabled = true;
    } finally {
      listLock.unlock();
      k.localIrqRestore(f);
    }
  }

  /** vmd_irq_disable's list part: list_del_rcu under list_lock when enabled. */
  void listDel(VmdIrq e) {
    boolean f = k.localIrqSave();
    listLock.lock();
    try {
      if (e.enabled) {
        k.exec().point("vmd_irq_disable: list_del_rcu", entries, e.offset(), Access.WRITE);
        e.delRcu();
        e.enabled = false;
      }
    } finally {
      listLock.unlock();
      k.localIrqRestore(f);
    }
  }

  /**
   * vmd_next_irq: one usable vector takes everything; a child that is not NVMe shares the first
   * vector (without counting); NVMe takes the least-loaded vector above it, ties to the lowest.
   * The first driver's {@code irqs[virq % msix_count]} with the modulo variant.
   */
  VmdIrqList nextIrq(PciDev child, int virq) {
    if (k.variants().on(Variants.VMD_MODULO_SPREAD)) {
      VmdIrqList l = irqs[virq % msixCount];
      withListLock(() -> l.count++);
      return l;
    }
    if (msixCount == 1 + firstVec) {
      return irqs[firstVec];
    }
    if (child.pciClass() != PCI_CLASS_STORAGE_EXPRESS) {
      return irqs[firstVec];
    }
    int[] best = {firstVec + 1};
    withListLock(() -> {
      for (int i = best[0]; i < msixCount; i++) {
        if (Integer.compareUnsigned(irqs[i].count, irqs[best[0]].count) < 0) {
          best[0] = i;
        }
      }
      irqs[best[0]].count++;
    });
    return irqs[best[0]];
  }

  private void withListLock(Runnable r) {
    boolean f = k.localIrqSave();
    listLock.lock();
    try {
      r.run();
    } finally {
      listLock.unlock();
      k.localIrqRestore(f);
    }
  }

  /** vmd_msi_init: the child's entry on the vector vmd_next_irq picks. */
  VmdIrq msiInit(MsiDeviceDomain dd, int virq) {
    VmdIrq e = new VmdIrq(nextIrq((PciDev) dd.device(), virq), virq, dd);
    e.irq.assign(e);
    return e;
  }

  /**
   * vmd_msi_free: wait for the vector's readers (synchronize_srcu), count--, kfree. The 2015
   * design: kfree_rcu and no wait; the no-sync variant: kfree at once.
   */
  void msiFree(VmdIrq e) {
    boolean rcuList = k.variants().on(Variants.VMD_RCU_LIST_ONLY);
    if (!rcuList && !k.variants().on(Variants.VMD_FREE_WITHOUT_SYNC)) {
      e.irq.srcu.synchronize();
    }
    withListLock(() -> e.irq.count--);
    e.irq.unassign(e);
    boolean chain = k.rcu().readers() > 0 || k.exec().exploring();
    if (rcuList) {
      Freed f = Freed.now(k, "vmd_msi_free: kfree_rcu", chain);
      k.rcu().call(() -> e.freed = f);
    } else {
      k.exec().point("vmd_msi_free: kfree(vmdirq)", entries, e.offset(), Access.WRITE);
      e.freed = Freed.now(k, "vmd_msi_free: kfree", chain);
    }
  }

  /** vmd_compose_msi_msg's address: the VMD vector's index in the destination id field. */
  static irqlab.kernel.msi.MsiMsg composeMsg(VmdIrq e) {
    return new irqlab.kernel.msi.MsiMsg((int) (irqlab.hw.MsiMessage.ADDRESS_BASE | ((long) e.irq.index << 12)), 0, 0);
  }

  /** The PCI layer's default mask/unmask/write of a child's vector (MSI_FLAG_USE_DEF_CHIP_OPS). */
  PciMsi pciMsi() {
    return k.pciMsi();
  }

  Kernel kernel() {
    return k;
  }

  /** The list entry of a child whose VMD level is {@code d}. */
  static VmdIrq entry(IrqData d) {
    return (VmdIrq) d.chipData();
  }

  // ---- what the views read ----

  /** "vmd0", or "vmd" before probe. */
  public String vmdName() {
    return vmdName;
  }

  /** The PCI domain the VMD created (0x10000 and up), 0 before probe. */
  public int pciDomain() {
    return pciDomain;
  }

  /** Whether the children's messages bypass the VMD (no vectors of its own). */
  public boolean bypass() {
    return bypass;
  }

  public int firstVec() {
    return firstVec;
  }

  public int msixCount() {
    return msixCount;
  }

  /** The VMD-MSI domain (or, in the per-device variant, the MSI parent domain); null in bypass. */
  public IrqDomain irqDomain() {
    return irqDomain;
  }

  public List<VmdIrqList> vectorLists() {
    return List.of(irqs);
  }

  public List<PciDev> children() {
    return List.copyOf(children);
  }
}
