package irqlab.kernel.pci;

import irqlab.hw.pci.MsixCapability;
import irqlab.hw.pci.PciFunction;
import irqlab.kernel.Errno;
import irqlab.kernel.Kernel;
import irqlab.kernel.KernelException;
import irqlab.kernel.Variants;
import irqlab.kernel.domain.BusToken;
import irqlab.kernel.domain.IrqDomains;
import irqlab.kernel.irq.IrqAffinity;
import irqlab.kernel.irq.IrqData;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.msi.MsiCore;
import irqlab.kernel.msi.MsiDesc;
import irqlab.kernel.msi.MsiDescStore;
import irqlab.kernel.msi.MsiDeviceData;
import irqlab.kernel.msi.MsiDeviceDomain;
import irqlab.kernel.msi.MsiDomainTemplate;
import irqlab.kernel.msi.MsiGlobalDomain;
import irqlab.kernel.msi.MsiMsg;
import irqlab.kernel.msi.MsiParent;
import java.util.List;

/**
 * PCI MSI-X for drivers (drivers/pci/msi/api.c, msi.c, irqdomain.c): pci_alloc_irq_vectors with
 * affinity spreading, pci_irq_vector, pci_free_irq_vectors, dynamic allocation after enable, and
 * the table accesses behind the PCI-MSIX chip.
 */
public final class PciMsi {
  /** PCI_IRQ_* flags (include/linux/pci.h). */
  public static final int PCI_IRQ_INTX = 1;
  public static final int PCI_IRQ_MSI = 1 << 1;
  public static final int PCI_IRQ_MSIX = 1 << 2;
  public static final int PCI_IRQ_AFFINITY = 1 << 3;

  /** The PCI-MSIX template flags: MSI_COMMON_FLAGS plus MSI-X and dynamic allocation. */
  static final int MSIX_TEMPLATE_FLAGS = MsiDomainTemplate.FLAG_FREE_MSI_DESCS
      | MsiDomainTemplate.FLAG_ACTIVATE_EARLY | MsiDomainTemplate.FLAG_DEV_SYSFS
      | MsiDomainTemplate.FLAG_MUST_REACTIVATE | MsiDomainTemplate.FLAG_PCI_MSIX
      | MsiDomainTemplate.FLAG_PCI_MSIX_ALLOC_DYN;

  private final Kernel k;
  private final MsiCore core;
  private final MsiParent parent;
  private final PciMsiCapability msi;

  public PciMsi(Kernel k, MsiCore core, MsiParent parent) {
    this.k = k;
    this.core = core;
    this.parent = parent;
    this.msi = new PciMsiCapability(k, core, this);
  }

  /**
   * The MSI parent of {@code dev}'s per-device domains (the PCI-MSI code asks here): the one its
   * bus gave (a VMD's, as from v6.17), else the platform's.
   */
  MsiParent parentOf(PciDev dev) {
    return dev.msiParent() != null ? dev.msiParent() : parent;
  }

  /** The irq domain {@code dev}'s per-device domains hang under. */
  irqlab.kernel.domain.IrqDomain parentDomainOf(PciDev dev) {
    return dev.msiParentDomain() != null ? dev.msiParentDomain() : k.msiParentDomain();
  }

  /**
   * pci_msi_domain_supports(dev, flags, DENY_LEGACY): what the device's MSI domain offers: its
   * global domain's info, or its MSI parent's supported flags.
   */
  boolean domainSupports(PciDev dev, int flags) {
    MsiGlobalDomain g = dev.globalMsiDomain();
    int have = g != null ? g.info().flags() : parentOf(dev).supportedFlags();
    return (have & flags) == flags;
  }

  /**
   * For a device whose bus gives a global MSI domain: pci_setup_msi(x)_device_domain creates
   * nothing (the domain is no MSI parent) and msi_setup_device_data put the global domain into
   * the default slot. Returns false for a device that uses per-device domains.
   */
  boolean useGlobalDomain(PciDev dev) {
    MsiGlobalDomain g = dev.globalMsiDomain();
    if (g == null) {
      return false;
    }
    core.attachGlobalDomain(dev, MsiDeviceData.DEFAULT_DOMAIN, g.domain(), g.chip(), g.info());
    return true;
  }

  // ---- the default chip ops of a global PCI/MSI domain (pci_msi_domain_update_chip_ops) ----

  /** pci_msi_mask_irq: the MSI-X entry's mask bit, or the MSI block member's. */
  public void maskIrq(IrqData d) {
    MsiDesc md = (MsiDesc) d.desc().msiDesc();
    if (md.isMsix()) {
      msixMask(d.desc(), md);
    } else {
      msi.mask(d.desc(), md, 1 << (d.irq() - md.irq()));
    }
  }

  /** pci_msi_unmask_irq. */
  public void unmaskIrq(IrqData d) {
    MsiDesc md = (MsiDesc) d.desc().msiDesc();
    if (md.isMsix()) {
      msixUnmask(d.desc(), md);
    } else {
      msi.unmask(d.desc(), md, 1 << (d.irq() - md.irq()));
    }
  }

  /** pci_msi_domain_write_msg: __pci_write_msi_msg (an MSI block writes once, from its first irq). */
  public void writeMsg(IrqData d, MsiMsg msg) {
    MsiDesc md = (MsiDesc) d.desc().msiDesc();
    if (md.isMsix()) {
      writeMsiMsg(d.desc(), md, msg);
    } else if (md.irq() == d.irq()) {
      msi.writeMsg(d.desc(), md, msg);
    }
  }

  public MsiCore core() {
    return core;
  }

  private int entryOffset(MsiDesc d) {
    return d.msiIndex() * MsixCapability.ENTRY_SIZE;
  }

  // ---- table accesses behind the chip ----

  /** pci_msix_mask: set the mask bit and read back to flush the posted write. */
  void msixMask(IrqDesc irq, MsiDesc d) {
    PciFunction fn = fn(irq);
    d.setMsixCtrl(d.msixCtrl() | MsixCapability.ENTRY_CTRL_MASKBIT);
    fn.mmioWrite32(PciFunction.MSIX_BAR, entryOffset(d) + MsixCapability.ENTRY_VECTOR_CTRL, d.msixCtrl());
    fn.mmioRead32(PciFunction.MSIX_BAR, entryOffset(d) + MsixCapability.ENTRY_VECTOR_CTRL);
  }

  void msixUnmask(IrqDesc irq, MsiDesc d) {
    PciFunction fn = fn(irq);
    d.setMsixCtrl(d.msixCtrl() & ~MsixCapability.ENTRY_CTRL_MASKBIT);
    fn.mmioWrite32(PciFunction.MSIX_BAR, entryOffset(d) + MsixCapability.ENTRY_VECTOR_CTRL, d.msixCtrl());
  }

  /**
   * __pci_write_msi_msg: the entry is masked while its three words change, because the device
   * may signal between the writes (unless the msix-unmasked-update variant is on).
   */
  void writeMsiMsg(IrqDesc irq, MsiDesc d, MsiMsg msg) {
    PciFunction fn = fn(irq);
    int base = entryOffset(d);
    int ctrl = d.msixCtrl();
    boolean unmasked = (ctrl & MsixCapability.ENTRY_CTRL_MASKBIT) == 0
        && !k.variants().on(Variants.MSIX_UNMASKED_UPDATE);
    if (unmasked) {
      fn.mmioWrite32(PciFunction.MSIX_BAR, base + MsixCapability.ENTRY_VECTOR_CTRL, ctrl | MsixCapability.ENTRY_CTRL_MASKBIT);
    }
    fn.mmioWrite32(PciFunction.MSIX_BAR, base + MsixCapability.ENTRY_LOWER_ADDR, msg.addressLo());
    fn.mmioWrite32(PciFunction.MSIX_BAR, base + MsixCapability.ENTRY_UPPER_ADDR, msg.addressHi());
    fn.mmioWrite32(PciFunction.MSIX_BAR, base + MsixCapability.ENTRY_DATA, msg.data());
    if (unmasked) {
      fn.mmioWrite32(PciFunction.MSIX_BAR, base + MsixCapability.ENTRY_VECTOR_CTRL, ctrl);
    }
    fn.mmioRead32(PciFunction.MSIX_BAR, base + MsixCapability.ENTRY_DATA);
    d.setMsg(msg);
  }

  private PciFunction fn(IrqDesc irq) {
    MsiDeviceDomain dd = irqlab.kernel.msi.MsiChipData.of(irq.data());
    return ((PciDev) dd.device()).function();
  }

  private void msixControl(PciDev dev, int clear, int set) {
    PciFunction fn = dev.function();
    int off = dev.msixCap + MsixCapability.FLAGS;
    int v = fn.configRead16(off);
    fn.configWrite16(off, (v & ~clear) | set);
  }

  // ---- the API ----

  /**
   * pci_alloc_irq_vectors_affinity: MSI-X first, then MSI, as the flags allow; the error of the
   * last mode tried when none works. With PCI_IRQ_AFFINITY the vectors beyond the pre and post
   * ones are spread over the CPUs and managed. {@code pinned}, when given, is the irqlab extension
   * for a driver that places unmanaged vectors on fixed CPUs (one mask per vector). Returns the
   * number of vectors. Flags that allow no type answer the initial -ENOSPC (drivers/pci/msi/api.c).
   */
  public int allocIrqVectors(PciDev dev, int min, int max, int flags, IrqAffinity.AffinityDescriptor affd,
      List<irqlab.kernel.cpu.CpuMask> pinned) {
    if ((flags & PCI_IRQ_AFFINITY) != 0 && affd == null) {
      affd = IrqAffinity.AffinityDescriptor.NONE;
    } else if ((flags & PCI_IRQ_AFFINITY) == 0) {
      affd = null;
    }
    KernelException last = new KernelException(Errno.ENOSPC, dev.devName() + ": no interrupt available");
    if ((flags & PCI_IRQ_MSIX) != 0) {
      try {
        return enableMsixRange(dev, min, max, affd, pinned);
      } catch (KernelException e) {
        last = e;
      }
    }
    if ((flags & PCI_IRQ_MSI) != 0) {
      try {
        return msi.enableRange(dev, min, max, affd, pinned);
      } catch (KernelException e) {
        last = e;
      }
    }
    // The INTx line, when allowed and routed; the sets are calculated so that the driver adjusts.
    if ((flags & PCI_IRQ_INTX) != 0 && min == 1 && dev.irq != 0) {
      if (affd != null) {
        IrqAffinity.createAffinityMasks(1, affd, k.possibleMask(), k.possibleMask());
      }
      PciIntx.intx(dev, true);
      dev.intxInUse = true;
      return 1;
    }
    throw last;
  }

  /** __pci_enable_msix_range: ENOSPC below {@code min}, EINVAL when MSI is already on. */
  private int enableMsixRange(PciDev dev, int min, int max, IrqAffinity.AffinityDescriptor affd,
      List<irqlab.kernel.cpu.CpuMask> pinned) {
    if (max < min) {
      throw new KernelException(Errno.ERANGE, "max " + max + " < min " + min);
    }
    if (dev.msiEnabled) {
      throw new KernelException(Errno.EINVAL, dev.devName() + ": can't enable MSI-X (MSI already enabled)");
    }
    if (dev.msixEnabled) {
      throw new KernelException(Errno.EINVAL, dev.devName() + ": MSI-X already enabled");
    }
    if (dev.globalMsiDomain() != null ? !domainSupports(dev, MsiDomainTemplate.FLAG_PCI_MSIX)
        : !parentOf(dev).supportsBus(BusToken.PCI_DEVICE_MSIX)) {
      throw new KernelException(Errno.ENOTSUPP, "MSI-X not supported by the MSI parent");
    }
    int hwsize = dev.msixVecCount();
    if (hwsize < 0) {
      throw new KernelException(Errno.EINVAL, dev.devName() + " has no MSI-X capability");
    }
    if (hwsize < max) {
      if (hwsize < min) {
        throw new KernelException(Errno.ENOSPC, dev.devName() + ": " + hwsize + " MSI-X entries, " + min + " needed");
      }
      max = hwsize;
    }
    setupMsixDeviceDomain(dev, hwsize);
    int nvec = max;
    while (true) {
      if (affd != null) {
        nvec = IrqAffinity.calcAffinityVectors(min, nvec, affd, k.nrCpus());
        if (nvec < min) {
          throw new KernelException(Errno.ENOSPC, "affinity spreading leaves " + nvec + " < " + min + " vectors");
        }
      }
      int rc = msixCapabilityInit(dev, nvec, affd, pinned);
      if (rc == 0) {
        return nvec;
      }
      if (rc < min) {
        throw new KernelException(Errno.ENOSPC, dev.devName() + ": only " + rc + " vectors available");
      }
      nvec = rc;
    }
  }

  /** pci_setup_msix_device_domain: creates the PCI-MSIX domain once. */
  private void setupMsixDeviceDomain(PciDev dev, int hwsize) {
    if (useGlobalDomain(dev)) {
      return;
    }
    MsiDeviceDomain dd = dev.msiData().domain(MsiDeviceData.DEFAULT_DOMAIN);
    if (dd != null && dd.template().busToken() == BusToken.PCI_DEVICE_MSIX) {
      return;
    }
    if (dd != null) {
      // The PCI-MSI domain left from an earlier MSI enable gives way: both use the default slot.
      core.removeDeviceDomain(dev, MsiDeviceData.DEFAULT_DOMAIN);
    }
    MsiParent p = parentOf(dev);
    MsiDomainTemplate t = new MsiDomainTemplate("PCI-MSIX", BusToken.PCI_DEVICE_MSIX, MSIX_TEMPLATE_FLAGS,
        name -> p.initDevChip(new PciMsixChip(name, this, p)));
    core.createDeviceDomain(dev, MsiDeviceData.DEFAULT_DOMAIN, t, hwsize, parentDomainOf(dev), p);
  }

  /**
   * msix_capability_init (drivers/pci/msi/msi.c): MSI-X on with the function masked (MASKALL),
   * descriptors and interrupts set up, then every table entry masked (msix_mask_all, done late for
   * a Marvell NVMe that honours the entry masks while MSI-X is off) and the function unmasked. A
   * failure turns MASKALL and ENABLE off again.
   */
  private int msixCapabilityInit(PciDev dev, int nvec, IrqAffinity.AffinityDescriptor affd,
      List<irqlab.kernel.cpu.CpuMask> pinned) {
    msixControl(dev, 0, MsixCapability.FLAGS_MASKALL | MsixCapability.FLAGS_ENABLE);
    dev.msixEnabled = true;
    int tsize = dev.msixVecCount();
    PciFunction fn = dev.function();
    List<IrqAffinity.IrqAffinityMask> masks = affd == null ? null
        : IrqAffinity.createAffinityMasks(nvec, affd, k.possibleMask(), k.possibleMask());
    if (masks != null && masks.isEmpty()) {
      // irq_create_affinity_masks (kernel/irq/affinity.c) returns NULL when the pre and post
      // vectors are all there is: every descriptor keeps the default affinity
      // (drivers/pci/msi/msi.c: msix_setup_msi_descs).
      masks = null;
    }
    MsiDeviceDomain dd = dev.msiData().domain(MsiDeviceData.DEFAULT_DOMAIN);
    for (int i = 0; i < nvec; i++) {
      MsiDesc d = dd.store().insert(i);
      prepareDesc(dev, d);
      if (masks != null) {
        d.setAffinity(new IrqDomains.Affinity(masks.get(i).mask(), masks.get(i).managed()));
      } else if (pinned != null && i < pinned.size() && pinned.get(i) != null) {
        d.setAffinity(new IrqDomains.Affinity(pinned.get(i), false));
      }
    }
    int rc;
    try {
      rc = core.allocIrqsRange(dev, MsiDeviceData.DEFAULT_DOMAIN, 0, nvec - 1);
    } catch (KernelException e) {
      msixOutDisable(dev);
      throw e;
    }
    if (rc != 0) {
      msixOutDisable(dev);
      return rc;
    }
    PciIntx.intxForMsi(dev, false);
    // msix_mask_all: the whole vector control word, not a read-modify-write
    for (int i = 0; i < tsize; i++) {
      fn.mmioWrite32(PciFunction.MSIX_BAR, i * MsixCapability.ENTRY_SIZE + MsixCapability.ENTRY_VECTOR_CTRL,
          MsixCapability.ENTRY_CTRL_MASKBIT);
    }
    msixControl(dev, MsixCapability.FLAGS_MASKALL, 0);
    return 0;
  }

  /** msix_capability_init's out_disable: MSI-X off and the function mask cleared. */
  private void msixOutDisable(PciDev dev) {
    dev.msixEnabled = false;
    msixControl(dev, MsixCapability.FLAGS_MASKALL | MsixCapability.FLAGS_ENABLE, 0);
  }

  /** msix_prepare_msi_desc: attributes and the cached vector control word. */
  private void prepareDesc(PciDev dev, MsiDesc d) {
    int ctrl = dev.function().mmioRead32(PciFunction.MSIX_BAR,
        d.msiIndex() * MsixCapability.ENTRY_SIZE + MsixCapability.ENTRY_VECTOR_CTRL);
    d.setPci(true, true, true, ctrl);
  }

  /** pci_irq_vector: the Linux irq of vector {@code nr}; EINVAL when there is none. */
  public int irqVector(PciDev dev, int nr) {
    if (dev.intxInUse) {
      if (nr != 0) {
        throw new KernelException(Errno.EINVAL, dev.devName() + " has only the INTx line");
      }
      return dev.irq;
    }
    MsiDeviceDomain dd = dev.msiData().domain(MsiDeviceData.DEFAULT_DOMAIN);
    if (dev.msiEnabled) {
      // msi_get_virq: one MSI descriptor at index 0 holds the block's consecutive interrupts.
      MsiDesc d = dd == null ? null : dd.store().get(0);
      if (d == null || d.irq() == 0 || nr < 0 || nr >= d.nvecUsed()) {
        throw new KernelException(Errno.EINVAL, dev.devName() + " has no MSI vector " + nr);
      }
      return d.irq() + nr;
    }
    MsiDesc d = dd == null ? null : dd.store().get(nr);
    if (d == null || d.irq() == 0) {
      throw new KernelException(Errno.EINVAL, dev.devName() + " has no vector " + nr);
    }
    return d.irq();
  }

  /** pci_free_irq_vectors: pci_disable_msix, then pci_disable_msi; an INTx user lets go of the line. */
  public void freeIrqVectors(PciDev dev) {
    disableMsix(dev);
    msi.disable(dev);
    dev.intxInUse = false;
  }

  /** pci_disable_msix: mask every entry, turn MSI-X off, free the interrupts and the domain's descriptors. */
  private void disableMsix(PciDev dev) {
    if (!dev.msixEnabled) {
      return;
    }
    MsiDeviceDomain dd = dev.msiData().domain(MsiDeviceData.DEFAULT_DOMAIN);
    // 6.12 frees a vector whose handler is still installed without a word (a driver bug it does
    // not check for: irq_domain_free_irqs has no WARN on desc->action), so neither does the model.
    dd.store().forEach(d -> {
      IrqDesc irq = d.irq() == 0 ? null : k.descs().get(d.irq());
      if (irq != null) {
        msixMask(irq, d);
      }
    });
    msixControl(dev, MsixCapability.FLAGS_ENABLE, 0);
    PciIntx.intxForMsi(dev, true);
    dev.msixEnabled = false;
    core.freeIrqsRange(dev, MsiDeviceData.DEFAULT_DOMAIN, 0, MsiDescStore.MAX_HWSIZE - 1);
  }

  /** pci_msix_can_alloc_dyn: MSI-X capable and the parent supports dynamic allocation. */
  public boolean msixCanAllocDyn(PciDev dev) {
    return dev.msixCap != 0 && domainSupports(dev, MsiDomainTemplate.FLAG_PCI_MSIX_ALLOC_DYN);
  }

  /** pci_msix_alloc_irq_at: one more vector while MSI-X is on; returns {index, irq}. */
  public int[] msixAllocIrqAt(PciDev dev, int index, IrqDomains.Affinity affinity) {
    if (!dev.msixEnabled || !msixCanAllocDyn(dev)) {
      throw new KernelException(Errno.ENOTSUPP, dev.devName() + ": dynamic MSI-X allocation not available");
    }
    return core.allocIrqAt(dev, MsiDeviceData.DEFAULT_DOMAIN, index, affinity, 0, d -> prepareDesc(dev, d));
  }

  /** pci_msix_free_irq: frees one index; MSI-X stays enabled. */
  public void msixFreeIrq(PciDev dev, int index) {
    if (!dev.msixEnabled || !msixCanAllocDyn(dev)) {
      throw new KernelException(Errno.ENOTSUPP, dev.devName() + ": dynamic MSI-X free not available");
    }
    MsiDeviceDomain dd = dev.msiData().domain(MsiDeviceData.DEFAULT_DOMAIN);
    MsiDesc d = dd.store().get(index);
    if (d == null) {
      throw new KernelException(Errno.ENOENT, dev.devName() + " has no MSI-X index " + index);
    }
    IrqDesc irq = d.irq() == 0 ? null : k.descs().get(d.irq());
    if (irq != null) {
      msixMask(irq, d);
    }
    core.freeIrqsRange(dev, MsiDeviceData.DEFAULT_DOMAIN, index, index);
  }
}
