package irqlab.kernel.iommu;

/**
 * What a per-device domain passes to the INTEL-IR domain's alloc (the parts of struct
 * irq_alloc_info it reads): the vector domain's own info, passed on, and the source-id fields
 * set_msi_sid derived from the device.
 */
public record IrAllocInfo(Object vectorInfo, MsiSourceId.Verification sourceId) {}
