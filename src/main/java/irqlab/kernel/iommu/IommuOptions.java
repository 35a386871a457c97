package irqlab.kernel.iommu;

import irqlab.hw.iommu.InterruptRemappingUnit;

/**
 * The IOMMU side of the kernel's configuration: the remapping hardware the firmware describes
 * (null when the platform has none, or remapping is off: then MSIs use the VECTOR domain
 * directly) and vfio's allow_unsafe_interrupts module parameter.
 */
public record IommuOptions(InterruptRemappingUnit remappingUnit, boolean allowUnsafeInterrupts) {
  public static final IommuOptions NONE = new IommuOptions(null, false);

  public boolean remapping() {
    return remappingUnit != null;
  }
}
