package irqlab.kernel.drivers;

import irqlab.kernel.Errno;
import irqlab.kernel.Kernel;
import irqlab.kernel.KernelException;
import irqlab.kernel.Variants;
import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.domain.IrqDomain;
import irqlab.kernel.msi.MsiDescStore;
import irqlab.kernel.pci.PciDev;
import java.util.List;

/**
 * A NIC assigned to a guest through vfio-pci, the guest's driver then using its queues as the
 * host NIC driver would. Before anything else the device's IOMMU group is attached to a type1
 * container, which refuses (EPERM) when MSIs from the device are not isolated, that is without
 * interrupt remapping, unless allow_unsafe_interrupts is set
 * (drivers/vfio/vfio_iommu_type1.c vfio_iommu_type1_attach_group). The interrupts are named as
 * vfio_msi_set_vector_signal names them (drivers/vfio/pci/vfio_pci_intrs.c).
 */
public final class VfioPciDriver extends NicDriver {
  /**
   * How long MSI-X stays off when a guest's vectors grow by re-enable: QEMU's round trip of two
   * VFIO_DEVICE_SET_IRQS ioctls (disable, then enable with every vector's eventfd) between
   * pci_free_irq_vectors and pci_alloc_irq_vectors. Tens of microseconds on a loaded host.
   */
  public static final long REENABLE_ROUND_TRIP_NS = 40_000;

  /** One growth by re-enable: vector counts before and after, and when MSI-X was off. */
  public record Resize(int from, int to, long offAtNs, long onAtNs) {
    public long disabledNs() {
      return onAtNs - offAtNs;
    }
  }

  private Resize lastResize;

  public VfioPciDriver(Kernel k, PciDev dev, String name, int min, int max, AffinityPolicy policy, CpuMask pinned,
      Kind kind) {
    super(k, dev, name, min, max, policy, pinned, kind);
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

  /**
   * The guest enables MSI-X vector {@code index} (any: the lowest unused one). With dynamic MSI-X
   * (vfio_msi_alloc_irq in drivers/vfio/pci/vfio_pci_intrs.c since e4163438e015, when
   * pci_msix_can_alloc_dyn) only that vector is allocated and requested while the others keep
   * firing. Without it, or with the msix-resize-by-reenable variant, vfio cannot grow an enabled
   * block (vfio_msi_set_block refuses vectors beyond num_ctx), so QEMU disables MSI-X and enables
   * it again with index + 1 vectors (hw/vfio/pci.c vfio_msix_vector_do_use).
   */
  @Override
  public int allocVector(int index) {
    if (kind() != Kind.MSIX
        || (!k.variants().on(Variants.MSIX_RESIZE_BY_REENABLE) && k.pciMsi().msixCanAllocDyn(dev()))) {
      return super.allocVector(index);
    }
    return resizeByReenable(index);
  }

  /**
   * vfio_msi_disable (free_irq of every vector, pci_free_irq_vectors), QEMU's round trip, then
   * vfio_msi_enable with the larger count (pci_alloc_irq_vectors) and vfio_msi_set_block requesting
   * every vector. The queues keep completing work meanwhile, and with MSI-X off the device has no
   * way to tell anyone: no message, no pending bit.
   */
  private int resizeByReenable(int index) {
    if (!bound()) {
      throw new KernelException(Errno.ENODEV, name() + " is not bound");
    }
    List<Integer> used = vectorIndexes();
    int hwsize = dev().msixVecCount();
    int want = index;
    if (want == MsiDescStore.ANY_INDEX) {
      want = 0;
      while (used.contains(want)) {
        want++;
      }
    }
    // Checked before anything is torn down, with the errors msi_insert_desc would give: a full
    // table for ANY is xa_alloc's EBUSY, an explicit index beyond it ERANGE.
    if (want >= hwsize) {
      throw new KernelException(index == MsiDescStore.ANY_INDEX ? Errno.EBUSY : Errno.ERANGE,
          dev().devName() + ": MSI-X index " + want + " outside 0.." + (hwsize - 1));
    }
    if (used.contains(want)) {
      throw new KernelException(Errno.EBUSY, dev().devName() + ": MSI-X index " + want + " in use");
    }
    int from = used.size();
    int to = Math.max(used.isEmpty() ? 0 : used.get(used.size() - 1) + 1, want + 1);
    disableVectors();
    long off = k.exec().now();
    k.exec().sleep(REENABLE_ROUND_TRIP_NS); // the kernel task waits for QEMU's next ioctl
    long on = k.exec().now();
    enableVectors(to, want);
    lastResize = new Resize(from, to, off, on);
    return want;
  }

  /** The last growth by re-enable, or null; cleared by the call. */
  public Resize takeResize() {
    Resize r = lastResize;
    lastResize = null;
    return r;
  }

  /** Not a prefix and a number: see {@link #actionName}. */
  @Override
  protected String actionNamePrefix() {
    return "";
  }

  /** "vfio-msix[0](0000:00:03.0)". */
  @Override
  public String actionName(int index) {
    return "vfio-" + kind().key() + "[" + index + "](" + dev().devName() + ")";
  }
}
