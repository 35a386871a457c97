package irqlab.kernel.iommu;

import irqlab.hw.iommu.Irte;
import irqlab.kernel.msi.MsiMsg;

/**
 * struct intel_ir_data with its irq_2_iommu, the chip data of one interrupt's INTEL-IR level: the
 * block of table entries it belongs to (index, size as a power of two, its subhandle in it), the
 * kernel's copy of the entry, and the remappable message its device is given.
 */
public final class IntelIrData {
  private final int irteIndex;
  private final int subHandle;
  private final int irteMask;
  private final MsiMsg msiEntry;
  private Irte irte;

  IntelIrData(int irteIndex, int subHandle, int irteMask, Irte irte, MsiMsg msiEntry) {
    this.irteIndex = irteIndex;
    this.subHandle = subHandle;
    this.irteMask = irteMask;
    this.irte = irte;
    this.msiEntry = msiEntry;
  }

  /** The first entry of the block (the handle in the message). */
  public int irteIndex() {
    return irteIndex;
  }

  public int subHandle() {
    return subHandle;
  }

  /** log2 of the block size. */
  public int irteMask() {
    return irteMask;
  }

  /** The table index this interrupt's entry has: handle plus subhandle. */
  public int entryIndex() {
    return irteIndex + subHandle;
  }

  /** ir_data->irte_entry: what the kernel last composed, not necessarily what the table holds. */
  public Irte irte() {
    return irte;
  }

  void setIrte(Irte irte) {
    this.irte = irte;
  }

  /** ir_data->msi_entry, what intel_ir_compose_msi_msg hands out. */
  public MsiMsg msiEntry() {
    return msiEntry;
  }
}
