package irqlab.kernel.iommu;

/**
 * What a per-device domain passes to the INTEL-IR domain's alloc (the parts of struct
 * irq_alloc_info it reads): the vector domain's own info, passed on, the source-id fields
 * set_msi_sid (or set_ioapic_sid) derived from the device, and for an IO-APIC pin its number,
 * which becomes the message's subhandle and so the entry's "vector" (-1 for MSI).
 */
public record IrAllocInfo(Object vectorInfo, MsiSourceId.Verification sourceId, int ioapicPin) {
  public IrAllocInfo(Object vectorInfo, MsiSourceId.Verification sourceId) {
    this(vectorInfo, sourceId, -1);
  }
}
