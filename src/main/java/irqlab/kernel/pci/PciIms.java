package irqlab.kernel.pci;

import irqlab.kernel.Errno;
import irqlab.kernel.Kernel;
import irqlab.kernel.KernelException;
import irqlab.kernel.domain.BusToken;
import irqlab.kernel.domain.IrqDomain;
import irqlab.kernel.domain.IrqDomains;
import irqlab.kernel.irq.IrqChip;
import irqlab.kernel.msi.MsiCore;
import irqlab.kernel.msi.MsiDesc;
import irqlab.kernel.msi.MsiDescStore;
import irqlab.kernel.msi.MsiDeviceData;
import irqlab.kernel.msi.MsiDeviceDomain;
import irqlab.kernel.msi.MsiDomainTemplate;
import irqlab.kernel.msi.MsiParent;

/**
 * PCI/IMS as the v6.2 series provides it (drivers/pci/msi/irqdomain.c pci_create_ims_domain,
 * drivers/pci/msi/api.c pci_ims_alloc_irq and pci_ims_free_irq; reverted in 2024 for want of a
 * user): a driver-described domain in the device's secondary MSI slot, next to MSI-X in the default
 * one, whose index space the MSI core manages and whose message store only the driver's chip knows.
 */
public final class PciIms {
  /** What pci_create_ims_domain demands of the template's flags. */
  static final int REQUIRED_FLAGS =
      MsiDomainTemplate.FLAG_ALLOC_SIMPLE_MSI_DESCS | MsiDomainTemplate.FLAG_FREE_MSI_DESCS;

  /** The template's prepare_desc: a driver chip that sets up each new descriptor implements it. */
  public interface DescPreparer {
    void prepareDesc(MsiDesc desc);
  }

  private final Kernel k;
  private final MsiCore core;
  private final MsiParent parent;
  private final IrqDomain parentDomain;

  /** IMS for PCI devices whose MSI parent is {@code parent} (its domain {@code parentDomain}). */
  public PciIms(Kernel k, MsiCore core, MsiParent parent, IrqDomain parentDomain) {
    this.k = k;
    this.core = core;
    this.parent = parent;
    this.parentDomain = parentDomain;
  }

  public MsiParent parent() {
    return parent;
  }

  /**
   * Whether the platform offers IMS at all: the parent takes IMS children and advertises
   * MSI_FLAG_PCI_IMS (x86_init_dev_msi_info; on x86 only a remapping parent does).
   */
  public boolean available() {
    return parent.supportsBus(BusToken.PCI_DEVICE_IMS)
        && (parent.supportedFlags() & MsiDomainTemplate.FLAG_PCI_IMS) != 0;
  }

  /**
   * pci_create_ims_domain: ENOTSUPP where the MSI parent does not offer IMS; EINVAL for a template
   * that is not an IMS template (bus token, simple descriptors freed by the core) or whose chip
   * lacks irq_mask, irq_unmask or irq_write_msi_msg or brings its own irq_set_affinity; EEXIST when
   * the secondary slot is taken. {@code hwsize} is the store's size (0: the MSI core's maximum).
   */
  public MsiDeviceDomain createImsDomain(PciDev dev, MsiDomainTemplate t, int hwsize) {
    if (!available()) {
      throw new KernelException(Errno.ENOTSUPP, dev.devName() + ": MSI parent " + parentDomain.name()
          + " does not offer PCI/IMS (on x86 only an interrupt remapping parent does)");
    }
    if (t.busToken() != BusToken.PCI_DEVICE_IMS) {
      throw new KernelException(Errno.EINVAL, dev.devName() + ": IMS template " + t.chipName()
          + " has bus token " + t.busToken() + ", expected PCI_DEVICE_IMS");
    }
    if ((t.flags() & REQUIRED_FLAGS) != REQUIRED_FLAGS) {
      throw new KernelException(Errno.EINVAL, dev.devName() + ": IMS template " + t.chipName()
          + " must let the core allocate and free simple descriptors");
    }
    IrqChip chip = t.chipFactory().apply(t.chipName());
    for (IrqChip.Op required : new IrqChip.Op[] {IrqChip.Op.MASK, IrqChip.Op.UNMASK, IrqChip.Op.WRITE_MSI_MSG}) {
      if (!chip.has(required)) {
        throw new KernelException(Errno.EINVAL, dev.devName() + ": IMS chip " + t.chipName()
            + " lacks " + required + " (mask, unmask and write_msi_msg are required)");
      }
    }
    if (chip.has(IrqChip.Op.SET_AFFINITY)) {
      throw new KernelException(Errno.EINVAL, dev.devName() + ": IMS chip " + t.chipName()
          + " brings its own set_affinity; affinity belongs to the parent domain");
    }
    MsiDomainTemplate domainTemplate = new MsiDomainTemplate(t.chipName(), t.busToken(), t.flags(),
        name -> new ImsDomainChip(name, chip, parent));
    return core.createDeviceDomain(dev, MsiDeviceData.SECONDARY_DOMAIN, domainTemplate, hwsize, parentDomain, parent);
  }

  /** The device's IMS domain, or null. */
  public MsiDeviceDomain domain(PciDev dev) {
    return dev.msiData().domain(MsiDeviceData.SECONDARY_DOMAIN);
  }

  /**
   * pci_ims_alloc_irq: one interrupt at the lowest free index of the IMS domain, with the driver's
   * {@code cookie} (union msi_instance_cookie) in its descriptor. Returns {index, irq}.
   */
  public int[] allocIrq(PciDev dev, long cookie, IrqDomains.Affinity affinity) {
    MsiDeviceDomain dd = domain(dev);
    DescPreparer prep = dd != null && dd.chip() instanceof ImsDomainChip c
        && c.driverChip() instanceof DescPreparer p ? p : null;
    return core.allocIrqAt(dev, MsiDeviceData.SECONDARY_DOMAIN, MsiDescStore.ANY_INDEX, affinity, cookie,
        prep == null ? null : prep::prepareDesc);
  }

  /** pci_ims_free_irq: frees the interrupt at {@code index}; a bad map only warns, as the kernel's does. */
  public void freeIrq(PciDev dev, int index, int irq) {
    if (index < 0 || irq <= 0) {
      k.log().warn(dev.devName() + ": pci_ims_free_irq with index " + index + ", irq " + irq);
      return;
    }
    core.freeIrqsRange(dev, MsiDeviceData.SECONDARY_DOMAIN, index, index);
  }

  /** msi_remove_device_irq_domain for the IMS slot: what is left is freed, then the domain. */
  public void removeImsDomain(PciDev dev) {
    core.removeDeviceDomain(dev, MsiDeviceData.SECONDARY_DOMAIN);
  }
}
