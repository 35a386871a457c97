package irqlab.kernel.iommu;

import irqlab.hw.iommu.InterruptRemappingUnit;

/**
 * The IOMMU side of the kernel's configuration: the remapping hardware the firmware describes
 * (null when the platform has none, or remapping is off: then MSIs use the VECTOR domain
 * directly) and vfio's allow_unsafe_interrupts module parameter. {@code faultIrqLater}: the
 * DMAR fault interrupt is set up by the caller after the ACPI SCI (a machine with ACPI: acpi_init
 * is a subsys_initcall, intel_iommu_init runs from pci_iommu_init, a rootfs_initcall), not while
 * the kernel object is built.
 */
public record IommuOptions(InterruptRemappingUnit remappingUnit, boolean allowUnsafeInterrupts,
    boolean faultIrqLater) {
  public static final IommuOptions NONE = new IommuOptions(null, false);

  public IommuOptions(InterruptRemappingUnit remappingUnit, boolean allowUnsafeInterrupts) {
    this(remappingUnit, allowUnsafeInterrupts, false);
  }

  public boolean remapping() {
    return remappingUnit != null;
  }
}
