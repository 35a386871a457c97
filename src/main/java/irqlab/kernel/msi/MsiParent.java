package irqlab.kernel.msi;

import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.domain.BusToken;
import irqlab.kernel.irq.IrqData;

/**
 * struct msi_parent_ops: what a parent domain (x86 VECTOR, or a remapping unit) tells the MSI
 * core about the per-device domains it accepts. A child asks; it never assumes.
 */
public interface MsiParent {
  /** Prepended to per-device domain and chip names ("IR-" under remapping). */
  String prefix();

  /** MSI_FLAG_* the parent supports for its children. */
  int supportedFlags();

  boolean supportsBus(BusToken token);

  /** The allocation info the parent's alloc expects (struct irq_alloc_info on x86). */
  Object allocInfo(MsiDevice dev);

  /**
   * init_dev_msi_info's say over a child's chip: the parent may replace callbacks of the per-device
   * chip it is handed (a VMD parent adds its enable and disable); the default keeps it.
   */
  default irqlab.kernel.irq.IrqChip initDevChip(irqlab.kernel.irq.IrqChip chip) {
    return chip;
  }

  /**
   * Whether init_dev_msi_info gives the children a flow handler of its own: x86 installs
   * handle_edge_irq ("edge"); a parent built on msi_lib (a VMD's) leaves the one its alloc set.
   */
  default boolean installsEdgeHandler() {
    return true;
  }

  /** The device chip's irq_set_affinity as the parent provides it (x86 msi_set_affinity). */
  int setAffinity(IrqData d, CpuMask mask, boolean force);
}
