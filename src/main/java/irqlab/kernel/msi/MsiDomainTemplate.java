package irqlab.kernel.msi;

import irqlab.kernel.domain.BusToken;
import irqlab.kernel.irq.IrqChip;
import java.util.function.Function;

/**
 * struct msi_domain_template: what a bus (PCI MSI, MSI-X, IMS) supplies to create a per-device
 * domain. The chip factory is handed the final name, since every device gets its own copy.
 */
public record MsiDomainTemplate(
    String chipName,
    BusToken busToken,
    int flags,
    Function<String, IrqChip> chipFactory) {

  /** MSI_FLAG_* (include/linux/msi.h). */
  public static final int FLAG_USE_DEF_DOM_OPS = 1;
  public static final int FLAG_USE_DEF_CHIP_OPS = 1 << 1;
  public static final int FLAG_ACTIVATE_EARLY = 1 << 2;
  public static final int FLAG_MUST_REACTIVATE = 1 << 3;
  public static final int FLAG_DEV_SYSFS = 1 << 4;
  public static final int FLAG_ALLOC_SIMPLE_MSI_DESCS = 1 << 5;
  public static final int FLAG_FREE_MSI_DESCS = 1 << 6;
  public static final int FLAG_MULTI_PCI_MSI = 1 << 16;
  public static final int FLAG_PCI_MSIX = 1 << 17;
  public static final int FLAG_LEVEL_CAPABLE = 1 << 18;
  public static final int FLAG_MSIX_CONTIGUOUS = 1 << 19;
  public static final int FLAG_PCI_MSIX_ALLOC_DYN = 1 << 20;
  public static final int FLAG_NO_AFFINITY = 1 << 21;
  /**
   * MSI_FLAG_PCI_IMS. v6.2 gave it bit 21; IMS was reverted before 6.12 reused bit 21 for
   * NO_AFFINITY, and irqlab models both, so IMS takes the next free bit.
   */
  public static final int FLAG_PCI_IMS = 1 << 22;
}
