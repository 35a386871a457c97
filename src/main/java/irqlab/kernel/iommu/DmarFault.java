package irqlab.kernel.iommu;

import irqlab.hw.iommu.InterruptRemappingUnit;
import irqlab.kernel.Kernel;
import irqlab.kernel.irq.IrqReturn;

/**
 * dmar_fault (drivers/iommu/intel/dmar.c), the fault interrupt's handler: reads the fault status,
 * walks the primary fault records from the one FRI names, logs each interrupt remapping fault
 * with its reason and clears it, then clears the status. Printing is rate limited as the kernel
 * does it; a rate-limited record is still cleared.
 */
final class DmarFault {
  /** IRQF_NO_THREAD (include/linux/interrupt.h). */
  static final int IRQF_NO_THREAD = 0x00010000;
  private static final int FRCD_F = InterruptRemappingUnit.FRCD_F;
  private static final int PRIMARY_FAULT_REG_LEN = 16;

  /** irq_remap_fault_reasons, for reasons 0x20 onwards. */
  static final String[] IRQ_REMAP_FAULT_REASONS = {
    "Detected reserved fields in the decoded interrupt-remapped request",
    "Interrupt index exceeded the interrupt-remapping table size",
    "Present field in the IRTE entry is clear",
    "Error accessing interrupt-remapping table pointed by IRTA_REG",
    "Detected reserved fields in the IRTE entry",
    "Blocked a compatibility format interrupt request",
    "Blocked an interrupt request due to source-id verification failure",
  };

  private final Kernel k;
  private final IntelIommu iommu;
  private final Ratelimit rs;

  DmarFault(Kernel k, IntelIommu iommu) {
    this.k = k;
    this.iommu = iommu;
    this.rs = new Ratelimit(k, "dmar_fault");
  }

  /** dmar_get_fault_reason for the interrupt remapping range; null for a DMA remapping reason. */
  static String reason(int faultReason) {
    int i = faultReason - 0x20;
    return i >= 0 && i < IRQ_REMAP_FAULT_REASONS.length ? IRQ_REMAP_FAULT_REASONS[i] : null;
  }

  /** The handler; {@code irq} is -1 when boot calls it to clear stale faults. */
  IrqReturn handle(int irq, Object devId) {
    return handle(irq);
  }

  IrqReturn handle(int irq) {
    boolean flags = iommu.lockRegisters();
    try {
      int status = iommu.readl(InterruptRemappingUnit.FSTS);
      if (status != 0 && rs.pass()) {
        k.log().err("DMAR: DRHD: handling fault status reg " + Integer.toHexString(status));
      }
      if ((status & InterruptRemappingUnit.FSTS_PPF) == 0) {
        return IrqReturn.HANDLED;
      }
      int index = (status >>> 8) & 0xff;
      int reg = iommu.faultRegOffset();
      while (true) {
        boolean ratelimited = !rs.pass();
        int off = reg + index * PRIMARY_FAULT_REG_LEN;
        int data = iommu.readl(off + 12);
        if ((data & FRCD_F) == 0) {
          break;
        }
        int faultReason = 0;
        int sourceId = 0;
        long info = 0;
        boolean dmaFault = false;
        if (!ratelimited) {
          faultReason = data & 0xff;
          dmaFault = ((data >>> 30) & 1) != 0;
          sourceId = iommu.readl(off + 8) & 0xffff;
          info = iommu.readq(off) & ~0xfffL;
        }
        iommu.writel(FRCD_F, off + 12);
        iommu.unlockRegisters(flags);
        if (!ratelimited) {
          faultDoOne(faultReason, sourceId, info, dmaFault);
        }
        index = (index + 1) % iommu.numFaultRegs();
        flags = iommu.lockRegisters();
      }
      iommu.writel(InterruptRemappingUnit.FSTS_PFO | InterruptRemappingUnit.FSTS_PPF
          | InterruptRemappingUnit.FSTS_PRO, InterruptRemappingUnit.FSTS);
      return IrqReturn.HANDLED;
    } finally {
      iommu.unlockRegisters(flags);
    }
  }

  /** dmar_fault_do_one: interrupt remapping faults name the requester, the index and the reason. */
  private void faultDoOne(int faultReason, int sourceId, long info, boolean dmaFault) {
    String reason = reason(faultReason);
    String dev = String.format("%02x:%02x.%d", sourceId >>> 8, (sourceId >>> 3) & 0x1f, sourceId & 7);
    if (reason != null) {
      k.log().err(String.format("DMAR: [INTR-REMAP] Request device [%s] fault index 0x%x [fault reason 0x%02x] %s",
          dev, info >>> 48, faultReason, reason));
    } else {
      k.log().err(String.format("DMAR: [%s NO_PASID] Request device [%s] fault addr 0x%x [fault reason 0x%02x] Unknown",
          dmaFault ? "DMA Read" : "DMA Write", dev, info, faultReason));
    }
  }
}
