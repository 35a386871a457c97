package irqlab.kernel.msi;

import irqlab.kernel.Errno;
import irqlab.kernel.Kernel;
import irqlab.kernel.KernelException;
import irqlab.kernel.domain.IrqDomain;
import irqlab.kernel.domain.IrqDomains;
import irqlab.kernel.irq.IrqChip;
import irqlab.kernel.irq.IrqData;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.irq.IrqdState;
import java.util.ArrayList;
import java.util.List;

/**
 * The MSI core of kernel/irq/msi.c with per-device domains: domain creation from a template,
 * range allocation and free of a device's interrupts by domain id, and message composition and
 * writing on activation.
 */
public final class MsiCore {
  private final Kernel k;

  public MsiCore(Kernel k) {
    this.k = k;
  }

  /**
   * msi_create_device_irq_domain: a per-device domain under {@code parentDomain} at {@code domid}.
   * EINVAL for a bad id or size, EEXIST for an occupied slot, ENOTSUPP when the parent refuses the bus.
   */
  public MsiDeviceDomain createDeviceDomain(MsiDevice dev, int domid, MsiDomainTemplate template,
      int hwsize, IrqDomain parentDomain, MsiParent parent) {
    if (domid < 0 || domid >= MsiDeviceData.MAX_DEVICE_IRQDOMAINS) {
      throw new KernelException(Errno.EINVAL, "MSI domain id " + domid);
    }
    int size = hwsize == 0 ? MsiDescStore.MAX_HWSIZE : hwsize;
    int max = MsiDescStore.maxHwsize(template.busToken());
    if (size < 0 || size > max) {
      throw new KernelException(Errno.EINVAL, "MSI domain size " + hwsize + " exceeds " + max);
    }
    if (dev.msiData().domain(domid) != null) {
      throw new KernelException(Errno.EEXIST, dev.devName() + " already has an MSI domain at id " + domid);
    }
    if (!parent.supportsBus(template.busToken())) {
      throw new KernelException(Errno.ENOTSUPP, parentDomain.name() + " does not support " + template.busToken() + " domains");
    }
    String name = parent.prefix() + template.chipName() + "-" + dev.devName();
    IrqChip chip = template.chipFactory().apply(name);
    MsiDescStore store = new MsiDescStore(size);
    MsiDeviceDomain[] holder = new MsiDeviceDomain[1];
    IrqDomain domain = k.domains().create(name, parentDomain, new DeviceDomainOps(parent, holder),
        IrqDomain.FLAG_NAME_ALLOCATED | IrqDomain.FLAG_MSI | IrqDomain.FLAG_MSI_DEVICE,
        template.busToken(), null);
    MsiDeviceDomain dd = new MsiDeviceDomain(domid, domain, chip, template, store, dev, false);
    holder[0] = dd;
    dev.msiData().set(domid, dd);
    return dd;
  }

  /**
   * msi_setup_device_data for a device whose dev->msi.domain is a global MSI domain (no MSI
   * parent): the domain goes into slot {@code domid} so that the range API works on it, with its
   * one chip and {@code info} (msi_domain_info: bus token and flags), and a store of the global
   * domain's hardware size (MSI_XA_DOMAIN_SIZE). The domain stays when the device lets go of it.
   */
  public MsiDeviceDomain attachGlobalDomain(MsiDevice dev, int domid, IrqDomain domain, IrqChip chip,
      MsiDomainTemplate info) {
    MsiDeviceDomain dd = dev.msiData().domain(domid);
    if (dd != null && dd.domain() == domain) {
      return dd;
    }
    if (dd != null) {
      throw new KernelException(Errno.EEXIST, dev.devName() + " already has an MSI domain at id " + domid);
    }
    dd = new MsiDeviceDomain(domid, domain, chip, info, new MsiDescStore(MsiDescStore.MAX_HWSIZE), dev, true);
    dev.msiData().set(domid, dd);
    return dd;
  }

  /** msi_remove_device_irq_domain: frees what is left, then the domain (a global one stays). */
  public void removeDeviceDomain(MsiDevice dev, int domid) {
    MsiDeviceDomain dd = dev.msiData().domain(domid);
    if (dd == null) {
      return;
    }
    freeIrqsRange(dev, domid, 0, dd.store().hwsize() - 1);
    if (!dd.global()) {
      k.domains().remove(dd.domain());
    }
    dev.msiData().set(domid, null);
  }

  private MsiDeviceDomain lookup(MsiDevice dev, int domid) {
    if (domid < 0 || domid >= MsiDeviceData.MAX_DEVICE_IRQDOMAINS) {
      throw new KernelException(Errno.EINVAL, "MSI domain id " + domid);
    }
    MsiDeviceDomain dd = dev.msiData().domain(domid);
    if (dd == null) {
      throw new KernelException(Errno.ENODEV, dev.devName() + " has no MSI domain at id " + domid);
    }
    return dd;
  }

  /**
   * msi_domain_alloc_irqs_range: interrupts for the descriptors with index in [first, last]
   * (created first when the domain allocates simple descriptors). Any failure frees the whole
   * range. Returns 0, or a positive count a PCI caller may retry with.
   */
  public int allocIrqsRange(MsiDevice dev, int domid, int first, int last) {
    MsiDeviceDomain dd = lookup(dev, domid);
    if (first > last || first < 0 || last >= dd.store().hwsize()) {
      throw new KernelException(Errno.EINVAL, "MSI range " + first + ".." + last + " in a domain of " + dd.store().hwsize());
    }
    if (dd.domain().ops() instanceof MsiPrepare prep) {
      // msi_domain_prepare_irqs: a non-zero answer ends the allocation before it starts, and
      // msi_domain_alloc_locked frees the range's descriptors as after any failure.
      int rc = prep.prepare(dd, last - first + 1);
      if (rc != 0) {
        freeIrqsRange(dev, domid, first, last);
        return rc;
      }
    }
    if (dd.hasFlag(MsiDomainTemplate.FLAG_ALLOC_SIMPLE_MSI_DESCS)) {
      for (int i = first; i <= last; i++) {
        if (dd.store().get(i) == null) {
          dd.store().insert(i);
        }
      }
    }
    List<MsiDesc> todo = new ArrayList<>();
    dd.store().forRange(first, last, d -> {
      if (d.irq() == 0) {
        todo.add(d);
      }
    });
    int allocated = 0;
    try {
      for (MsiDesc desc : todo) {
        int virq;
        try {
          virq = allocHierarchy(dd, desc);
        } catch (KernelException e) {
          int rc = handlePciFail(dd, desc, allocated);
          if (rc > 0) {
            freeIrqsRange(dev, domid, first, last);
            return rc;
          }
          throw new KernelException(Errno.ENOSPC, e.getMessage());
        }
        initVirqs(dd, desc, virq);
        allocated++;
      }
    } catch (KernelException e) {
      // msi_domain_alloc_locked: any error frees what the range got so far
      freeIrqsRange(dev, domid, first, last);
      throw e;
    }
    return 0;
  }

  /**
   * msi_handle_pci_fail: what a failed hierarchy allocation returns. On the PCI buses a failed
   * multi-MSI block answers 1 (retry with one vector) and otherwise the count allocated so far,
   * or ENOSPC when there is none; any other bus gets ENOSPC. Whatever the error was: an EINVAL or
   * ENOMEM from below becomes a count or ENOSPC. Returns the count, or 0 for ENOSPC.
   */
  private static int handlePciFail(MsiDeviceDomain dd, MsiDesc desc, int allocated) {
    if (!isPciBus(dd.template().busToken())) {
      return 0;
    }
    if (desc.nvecUsed() > 1) {
      return 1;
    }
    return allocated;
  }

  /** The PCI buses of msi_handle_pci_fail (CONFIG_PCI_MSI is on). */
  private static boolean isPciBus(irqlab.kernel.domain.BusToken t) {
    switch (t) {
      case PCI_MSI:
      case PCI_DEVICE_MSI:
      case PCI_DEVICE_MSIX:
      case VMD_MSI:
        return true;
      default:
        return false;
    }
  }

  /** __irq_domain_alloc_irqs for one descriptor's block; returns the first irq. */
  private int allocHierarchy(MsiDeviceDomain dd, MsiDesc desc) {
    List<IrqDomains.Affinity> aff = desc.affinities();
    // A per-device domain passes its parent's allocation info down; a global domain has none.
    Object parentInfo = dd.domain().ops() instanceof DeviceDomainOps ops ? ops.parent.allocInfo(dd.device()) : null;
    int virq = k.domains().allocIrqs(dd.domain(), desc.nvecUsed(), new AllocArg(desc, parentInfo, dd),
        aff, k.possibleMask());
    desc.setIrq(virq);
    return virq;
  }

  /** msi_init_virq for each interrupt of the block; an error here is returned as it is. */
  private void initVirqs(MsiDeviceDomain dd, MsiDesc desc, int virq) {
    boolean canReserve = dd.hasFlag(MsiDomainTemplate.FLAG_MUST_REACTIVATE) && (desc.isMsix() || desc.canMask());
    boolean activate = dd.hasFlag(MsiDomainTemplate.FLAG_ACTIVATE_EARLY);
    for (int i = 0; i < desc.nvecUsed(); i++) {
      IrqDesc id = k.descs().get(virq + i);
      id.setMsiDesc(desc);
      id.setDevName(dd.device().devName());
      initVirq(id.data(), canReserve, activate);
    }
  }

  /**
   * msi_init_virq (kernel/irq/msi.c): reservation-mode lines are activated with a placeholder,
   * then marked inactive. A managed line with no online CPU is left in managed shutdown, when it
   * is to be activated (VIRQ_ACTIVATE).
   */
  private void initVirq(IrqData irqd, boolean canReserve, boolean activate) {
    if (!canReserve) {
      irqd.clear(IrqdState.CAN_RESERVE);
      if (activate && irqd.is(IrqdState.AFFINITY_MANAGED) && !irqd.desc().affinity().intersects(k.onlineMask())) {
        irqd.set(IrqdState.MANAGED_SHUTDOWN);
        return;
      }
    }
    if (!activate) {
      return;
    }
    IrqDomains.activate(irqd, canReserve);
    if (canReserve) {
      irqd.clear(IrqdState.ACTIVATED);
    }
  }

  /** msi_domain_free_irqs_range: deactivate, free the interrupts, drop the descriptors. */
  public void freeIrqsRange(MsiDevice dev, int domid, int first, int last) {
    MsiDeviceDomain dd = lookup(dev, domid);
    List<MsiDesc> todo = new ArrayList<>();
    dd.store().forRange(first, last, todo::add);
    for (MsiDesc desc : todo) {
      if (desc.irq() != 0) {
        deactivateIrqs(desc);
        k.domains().freeIrqs(desc.irq(), desc.nvecUsed());
        desc.setIrq(0);
      }
      if (dd.hasFlag(MsiDomainTemplate.FLAG_FREE_MSI_DESCS)) {
        dd.store().erase(desc.msiIndex());
      }
    }
  }

  private void deactivateIrqs(MsiDesc desc) {
    for (int i = 0; i < desc.nvecUsed(); i++) {
      IrqDesc id = k.descs().get(desc.irq() + i);
      if (id != null) {
        IrqDomains.deactivate(id.data());
      }
    }
  }

  /** msi_domain_alloc_irq_at: one interrupt at {@code index} or the lowest free one; returns {index, irq}. */
  public int[] allocIrqAt(MsiDevice dev, int domid, int index, IrqDomains.Affinity affinity, long cookie,
      java.util.function.Consumer<MsiDesc> prepare) {
    MsiDeviceDomain dd = lookup(dev, domid);
    MsiDesc desc = dd.store().insert(index);
    desc.setAffinity(affinity);
    desc.setCookie(cookie);
    try {
      if (prepare != null) {
        prepare.accept(desc);
      }
      int virq;
      try {
        virq = allocHierarchy(dd, desc);
      } catch (KernelException e) {
        // __msi_domain_alloc_irqs via msi_handle_pci_fail with nothing allocated: ENOSPC
        throw new KernelException(Errno.ENOSPC, e.getMessage());
      }
      initVirqs(dd, desc, virq);
    } catch (RuntimeException e) {
      if (desc.irq() != 0) {
        deactivateIrqs(desc);
        k.domains().freeIrqs(desc.irq(), desc.nvecUsed());
        desc.setIrq(0);
      }
      dd.store().erase(desc.msiIndex());
      throw e;
    }
    return new int[] {desc.msiIndex(), desc.irq()};
  }

  /**
   * irq_chip_compose_msi_msg: the first level from the top that can compose does (under
   * remapping that is INTEL-IR with its remappable message, not VECTOR below it).
   */
  public static MsiMsg composeMsiMsg(IrqData top) {
    IrqData pos = null;
    for (IrqData d = top; d != null && pos == null; d = d.parent()) {
      if (d.chip() != null && d.chip().has(IrqChip.Op.COMPOSE_MSI_MSG)) {
        pos = d;
      }
    }
    if (pos == null) {
      throw new KernelException(Errno.ENOSYS, "no level of irq " + top.irq() + " composes MSI messages");
    }
    return pos.chip().composeMsiMsg(pos);
  }

  /** Compose and write: what activation and a direct affinity update do (irq_msi_update_msg). */
  public static void updateMsg(IrqData top) {
    top.chip().writeMsiMsg(top, composeMsiMsg(top));
  }

  /**
   * msi_alloc_info_t as the MSI core hands it to a domain's alloc: the descriptor, the parent's
   * allocation info, and the device domain the allocation is for (msi_desc_to_dev).
   */
  public record AllocArg(MsiDesc desc, Object parentInfo, MsiDeviceDomain owner) {}

  /** msi_domain_ops of a per-device domain. */
  private final class DeviceDomainOps extends MsiDomainOps {
    final MsiParent parent;
    private final MsiDeviceDomain[] holder;

    DeviceDomainOps(MsiParent parent, MsiDeviceDomain[] holder) {
      this.parent = parent;
      this.holder = holder;
    }

    @Override
    public void alloc(IrqDomain domain, int virq, int nrIrqs, Object arg) {
      AllocArg a = (AllocArg) arg;
      IrqDomains.allocParent(domain, virq, nrIrqs, a.parentInfo());
      for (int i = 0; i < nrIrqs; i++) {
        IrqDesc desc = k.descs().get(virq + i);
        desc.data().set(a.desc().msiIndex() + i, holder[0].chip(), holder[0]);
        if (parent.installsEdgeHandler()) {
          desc.setHandler(k.chipFlow().edgeHandler(), "edge");
        }
      }
    }

    @Override
    public void free(IrqDomain domain, int virq, int nrIrqs) {
      IrqDomains.freeParent(domain, virq, nrIrqs);
      for (int i = 0; i < nrIrqs; i++) {
        IrqDesc desc = k.descs().get(virq + i);
        if (desc != null) {
          desc.data().reset();
        }
      }
    }
  }
}
