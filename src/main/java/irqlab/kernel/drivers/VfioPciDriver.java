package irqlab.kernel.drivers;

import irqlab.kernel.Errno;
import irqlab.kernel.Kernel;
import irqlab.kernel.KernelException;
import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.domain.IrqDomain;
import irqlab.kernel.pci.PciDev;

/**
 * A NIC assigned to a guest through vfio-pci, the guest's driver then using its queues as the
 * host NIC driver would. Before anything else the device's IOMMU group is attached to a type1
 * container, which refuses (EPERM) when MSIs from the device are not isolated, that is without
 * interrupt remapping, unless allow_unsafe_interrupts is set
 * (drivers/vfio/vfio_iommu_type1.c vfio_iommu_type1_attach_group). The interrupts are named as
 * vfio_msi_set_vector_signal names them (drivers/vfio/pci/vfio_pci_intrs.c).
 */
public final class VfioPciDriver extends NicDriver {
  private final Kernel k;

  public VfioPciDriver(Kernel k, PciDev dev, String name, int min, int max, AffinityPolicy policy, CpuMask pinned,
      Kind kind) {
    super(k, dev, name, min, max, policy, pinned, kind);
    this.k = k;
  }

  /** msi_device_has_isolated_msi: some domain above the device's MSI domains isolates MSIs. */
  static boolean hasIsolatedMsi(Kernel k) {
    for (IrqDomain d = k.msiParentDomain(); d != null; d = d.parent()) {
      if (d.hasFlag(IrqDomain.FLAG_ISOLATED_MSI)) {
        return true;
      }
    }
    return false;
  }

  @Override
  protected void attachDevice() {
    if (!k.iommuOptions().allowUnsafeInterrupts() && !hasIsolatedMsi(k)) {
      k.log().warn("vfio_iommu_type1_attach_group: No interrupt remapping support.  Use the module param"
          + " \"allow_unsafe_interrupts\" to enable VFIO IOMMU support on this platform");
      throw new KernelException(Errno.EPERM, dev().devName() + ": no interrupt remapping");
    }
  }

  /** "vfio-msix[0](0000:00:03.0)". */
  @Override
  public String actionName(int index) {
    return "vfio-" + kind().key() + "[" + index + "](" + dev().devName() + ")";
  }
}
