package irqlab.kernel.pci;

import irqlab.exec.RawSpinLock;
import irqlab.hw.pci.ConfigSpace;
import irqlab.hw.pci.MsiCapability;
import irqlab.hw.pci.PciFunction;
import irqlab.kernel.Errno;
import irqlab.kernel.Kernel;
import irqlab.kernel.KernelException;
import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.domain.BusToken;
import irqlab.kernel.domain.IrqDomains;
import irqlab.kernel.irq.IrqAffinity;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.msi.MsiCore;
import irqlab.kernel.msi.MsiDesc;
import irqlab.kernel.msi.MsiDeviceData;
import irqlab.kernel.msi.MsiDeviceDomain;
import irqlab.kernel.msi.MsiDomainTemplate;
import irqlab.kernel.msi.MsiMsg;
import irqlab.kernel.msi.MsiParent;
import java.util.ArrayList;
import java.util.List;

/**
 * Plain PCI MSI as the kernel drives the capability (drivers/pci/msi/msi.c, the MSI half of
 * api.c and irqdomain.c): the per-device PCI-MSI domain with one descriptor for the whole block,
 * __pci_enable_msi_range with its retry-with-fewer loop, msi_capability_init, the mask register
 * behind the chip, the message written word by word through config space, and pci_disable_msi.
 */
final class PciMsiCapability {
  /** pci_msi_template's flags: MSI_COMMON_FLAGS plus multi-message, before the parent trims them. */
  static final int TEMPLATE_FLAGS = MsiDomainTemplate.FLAG_FREE_MSI_DESCS
      | MsiDomainTemplate.FLAG_ACTIVATE_EARLY | MsiDomainTemplate.FLAG_DEV_SYSFS
      | MsiDomainTemplate.FLAG_MUST_REACTIVATE | MsiDomainTemplate.FLAG_MULTI_PCI_MSI;
  /** MSI_GENERIC_FLAGS_MASK: the core's own flags, which a parent never removes. */
  private static final int GENERIC_FLAGS = 0xffff;

  private final Kernel k;
  private final MsiCore core;
  private final PciMsi pci;

  PciMsiCapability(Kernel k, MsiCore core, PciMsi pci) {
    this.k = k;
    this.core = core;
    this.pci = pci;
  }

  // ---- domain ----

  /**
   * pci_setup_msi_device_domain: the MSI domain replaces an MSI-X one left from before, since both
   * live in the default slot. Its hardware size is 1: one descriptor carries the whole block.
   */
  void setupDeviceDomain(PciDev dev) {
    if (pci.useGlobalDomain(dev)) {
      return;
    }
    MsiDeviceDomain dd = dev.msiData().domain(MsiDeviceData.DEFAULT_DOMAIN);
    if (dd != null && dd.template().busToken() == BusToken.PCI_DEVICE_MSI) {
      return;
    }
    if (dd != null) {
      core.removeDeviceDomain(dev, MsiDeviceData.DEFAULT_DOMAIN);
    }
    MsiParent parent = pci.parentOf(dev);
    // x86_init_dev_msi_info: the template keeps only what the parent supports.
    int flags = TEMPLATE_FLAGS & (GENERIC_FLAGS | parent.supportedFlags());
    MsiDomainTemplate t = new MsiDomainTemplate("PCI-MSI", BusToken.PCI_DEVICE_MSI, flags,
        name -> parent.initDevChip(new PciMsiChip(name, this, parent)));
    core.createDeviceDomain(dev, MsiDeviceData.DEFAULT_DOMAIN, t, 1, pci.parentDomainOf(dev), parent);
  }

  /** pci_msi_domain_supports(dev, MSI_FLAG_MULTI_PCI_MSI): the parent, not the device, decides. */
  boolean multiMsiSupported(PciDev dev) {
    return pci.domainSupports(dev, MsiDomainTemplate.FLAG_MULTI_PCI_MSI);
  }

  // ---- enable ----

  /**
   * __pci_enable_msi_range: the block size is what the capability offers, capped by {@code max};
   * msi_capability_init answers a positive count when fewer would work, and the loop retries.
   * Returns the number of vectors.
   */
  int enableRange(PciDev dev, int min, int max, IrqAffinity.AffinityDescriptor affd, List<CpuMask> pinned) {
    if (min < 1) {
      throw new KernelException(Errno.EINVAL, dev.devName() + ": MSI needs at least one vector");
    }
    if (dev.msixEnabled) {
      k.log().info("pci " + dev.devName() + ": can't enable MSI (MSI-X already enabled)");
      throw new KernelException(Errno.EINVAL, dev.devName() + ": can't enable MSI (MSI-X already enabled)");
    }
    if (max < min) {
      throw new KernelException(Errno.ERANGE, "max " + max + " < min " + min);
    }
    if (dev.msiEnabled) {
      throw new KernelException(Errno.EINVAL, dev.devName() + ": MSI already enabled");
    }
    if (dev.globalMsiDomain() == null && !pci.parentOf(dev).supportsBus(BusToken.PCI_DEVICE_MSI)) {
      throw new KernelException(Errno.ENOTSUPP, "MSI not supported by the MSI parent");
    }
    int nvec = dev.msiVecCount();
    if (nvec < 0) {
      throw new KernelException(Errno.EINVAL, dev.devName() + " has no MSI capability");
    }
    if (nvec < min) {
      throw new KernelException(Errno.ENOSPC, dev.devName() + ": " + nvec + " MSI vectors, " + min + " needed");
    }
    nvec = Math.min(nvec, max);
    if (dev.msiLock == null) {
      dev.msiLock = new RawSpinLock(k.exec(), "msi_lock"); // pci_setup_msi_context
    }
    setupDeviceDomain(dev);
    while (true) {
      if (affd != null) {
        nvec = IrqAffinity.calcAffinityVectors(min, nvec, affd, k.nrCpus());
        if (nvec < min) {
          throw new KernelException(Errno.ENOSPC, "affinity spreading leaves " + nvec + " < " + min + " vectors");
        }
      }
      int rc = capabilityInit(dev, nvec, affd, pinned);
      if (rc == 0) {
        return nvec;
      }
      if (rc < min) {
        throw new KernelException(Errno.ENOSPC, dev.devName() + ": only " + rc + " MSI vector(s) possible");
      }
      nvec = rc;
    }
  }

  /**
   * msi_capability_init: MSI off while the descriptor and the interrupts are set up, every vector
   * masked (where the function can mask), then INTx off and MSI on. Returns 0, or a positive
   * count to retry with.
   */
  private int capabilityInit(PciDev dev, int nvec, IrqAffinity.AffinityDescriptor affd, List<CpuMask> pinned) {
    // Reject multi-MSI early when the parent cannot deliver a block.
    if (nvec > 1 && !multiMsiSupported(dev)) {
      return 1;
    }
    setEnable(dev, false);
    dev.msiEnabled = true;
    MsiDesc d = setupDesc(dev, nvec, affd, pinned);
    int all = multiMask(d);
    updateMask(dev, d, 0, all);
    int rc;
    try {
      rc = core.allocIrqsRange(dev, MsiDeviceData.DEFAULT_DOMAIN, 0, 0);
      if (rc == 0) {
        verifyEntries(dev, d);
      }
    } catch (KernelException e) {
      undo(dev, d, all);
      throw e;
    }
    if (rc != 0) {
      undo(dev, d, all);
      return rc;
    }
    intx(dev, false);
    setEnable(dev, true);
    return 0;
  }

  private void undo(PciDev dev, MsiDesc d, int all) {
    updateMask(dev, d, all, 0);
    core.freeIrqsRange(dev, MsiDeviceData.DEFAULT_DOMAIN, 0, 0);
    dev.msiEnabled = false;
  }

  /** msi_setup_msi_desc: one descriptor at index 0 for the whole block, attributes from the capability. */
  private MsiDesc setupDesc(PciDev dev, int nvec, IrqAffinity.AffinityDescriptor affd, List<CpuMask> pinned) {
    PciFunction fn = dev.function();
    int control = fn.configRead16(dev.msiCap + MsiCapability.FLAGS);
    boolean is64 = (control & MsiCapability.FLAGS_64BIT) != 0;
    boolean canMask = (control & MsiCapability.FLAGS_MASKBIT) != 0;
    int maskPos = dev.msiCap + (is64 ? MsiCapability.MASK_64 : MsiCapability.MASK_32);
    int mask = canMask ? fn.configRead32(maskPos) : 0;
    MsiDeviceDomain dd = dev.msiData().domain(MsiDeviceData.DEFAULT_DOMAIN);
    MsiDesc d = dd.store().insert(0);
    d.setNvecUsed(nvec);
    d.setPciMsi(canMask, is64, log2RoundUp(nvec), (control & MsiCapability.FLAGS_QMASK) >>> 1, maskPos, mask);
    List<IrqDomains.Affinity> aff = new ArrayList<>();
    if (affd != null) {
      for (IrqAffinity.IrqAffinityMask m
          : IrqAffinity.createAffinityMasks(nvec, affd, k.possibleMask(), k.possibleMask())) {
        aff.add(new IrqDomains.Affinity(m.mask(), m.managed()));
      }
    } else if (pinned != null) {
      for (int i = 0; i < nvec; i++) {
        aff.add(i < pinned.size() && pinned.get(i) != null ? new IrqDomains.Affinity(pinned.get(i), false) : null);
      }
    }
    d.setAffinities(aff.isEmpty() ? null : aff);
    return d;
  }

  /** msi_verify_entries: an arch-chosen address above 4 GiB on a 32-bit-only capability is EIO. */
  private void verifyEntries(PciDev dev, MsiDesc d) {
    MsiMsg m = dev.no64bitMsi ? d.msg() : null; // the descriptor rebuilds it from its words
    if (m != null && m.addressHi() != 0) {
      k.log().err("pci " + dev.devName() + ": arch assigned 64-bit MSI address "
          + String.format("%#x%08x", m.addressHi(), m.addressLo()) + " but device only supports 32 bits");
      throw new KernelException(Errno.EIO, dev.devName() + ": 64-bit MSI address on a 32-bit capability");
    }
  }

  private static int log2RoundUp(int n) {
    return 32 - Integer.numberOfLeadingZeros(n - 1);
  }

  /** msi_multi_mask: every vector the function can send. */
  static int multiMask(MsiDesc d) {
    return d.multiCap() >= 5 ? 0xffffffff : (1 << (1 << d.multiCap())) - 1;
  }

  /** pci_msi_set_enable. */
  private static void setEnable(PciDev dev, boolean on) {
    PciFunction fn = dev.function();
    int off = dev.msiCap + MsiCapability.FLAGS;
    int ctl = fn.configRead16(off) & ~MsiCapability.FLAGS_ENABLE;
    fn.configWrite16(off, on ? ctl | MsiCapability.FLAGS_ENABLE : ctl);
  }

  private static void intx(PciDev dev, boolean enable) {
    PciIntx.intx(dev, enable);
  }

  // ---- disable ----

  /**
   * pci_disable_msi: pci_msi_shutdown (MSI off, INTx back, vectors unmasked as after reset), then
   * the interrupts and the descriptor go; the PCI-MSI domain stays for a later enable.
   */
  void disable(PciDev dev) {
    if (!dev.msiEnabled) {
      return;
    }
    setEnable(dev, false);
    intx(dev, true);
    dev.msiEnabled = false;
    MsiDeviceDomain dd = dev.msiData().domain(MsiDeviceData.DEFAULT_DOMAIN);
    MsiDesc d = dd == null ? null : dd.store().get(0);
    if (d != null) {
      updateMask(dev, d, multiMask(d), 0);
    }
    if (dd != null) {
      core.freeIrqsRange(dev, MsiDeviceData.DEFAULT_DOMAIN, 0, dd.store().hwsize() - 1);
    }
  }

  // ---- behind the chip ----

  void mask(IrqDesc irq, MsiDesc d, int bits) {
    updateMask(devOf(irq), d, 0, bits);
  }

  void unmask(IrqDesc irq, MsiDesc d, int bits) {
    updateMask(devOf(irq), d, bits, 0);
  }

  /** pci_msi_update_mask: nothing to do for a function without mask bits. */
  private void updateMask(PciDev dev, MsiDesc d, int clear, int set) {
    if (!d.canMask()) {
      return;
    }
    boolean irqs = k.localIrqSave();
    dev.msiLock.lock();
    try {
      d.setMsiMask((d.msiMask() & ~clear) | set);
      dev.function().configWrite32(d.maskPos(), d.msiMask());
    } finally {
      dev.msiLock.unlock();
      k.localIrqRestore(irqs);
    }
  }

  /**
   * __pci_write_msi_msg for MSI: the enabled block size goes into message control, then address
   * low, address high and data are separate config writes. Nothing masks the function meanwhile:
   * a device without mask bits that signals between them sends a half-updated message.
   */
  void writeMsg(IrqDesc irq, MsiDesc d, MsiMsg msg) {
    PciDev dev = devOf(irq);
    PciFunction fn = dev.function();
    int pos = dev.msiCap;
    int ctl = fn.configRead16(pos + MsiCapability.FLAGS);
    fn.configWrite16(pos + MsiCapability.FLAGS, (ctl & ~MsiCapability.FLAGS_QSIZE) | (d.multiple() << 4));
    fn.configWrite32(pos + MsiCapability.ADDRESS_LO, msg.addressLo());
    if (d.is64()) {
      fn.configWrite32(pos + MsiCapability.ADDRESS_HI, msg.addressHi());
      fn.configWrite16(pos + MsiCapability.DATA_64, msg.data());
    } else {
      fn.configWrite16(pos + MsiCapability.DATA_32, msg.data());
    }
    fn.configRead16(pos + MsiCapability.FLAGS); // flush the posted writes
    d.setMsg(msg);
  }

  private static PciDev devOf(IrqDesc irq) {
    MsiDeviceDomain dd = irqlab.kernel.msi.MsiChipData.of(irq.data());
    return (PciDev) dd.device();
  }
}
