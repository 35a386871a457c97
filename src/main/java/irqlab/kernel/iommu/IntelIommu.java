package irqlab.kernel.iommu;

import irqlab.exec.RawSpinLock;
import irqlab.hw.iommu.InterruptRemappingUnit;
import irqlab.hw.iommu.Irte;
import irqlab.hw.iommu.TableMemory;
import irqlab.kernel.Errno;
import irqlab.kernel.Kernel;
import irqlab.kernel.KernelException;
import irqlab.kernel.msi.MsiParent;

/**
 * struct intel_iommu for the one remapping unit of the machine ("dmar0"), reduced to interrupt
 * remapping: boot (drivers/iommu/intel/irq_remapping.c intel_setup_irq_remapping,
 * iommu_set_irq_remapping, iommu_enable_irq_remapping), the fault interrupt
 * (drivers/iommu/intel/dmar.c dmar_set_interrupt, enable_drhd_fault_handling) and register access
 * through the unit's accessors.
 */
public final class IntelIommu {
  /** INTR_REMAP_TABLE_ENTRIES and the IRTA size field that encodes it (2^(15+1)). */
  public static final int INTR_REMAP_TABLE_ENTRIES = 65536;
  static final int INTR_REMAP_TABLE_REG_SIZE = 0xf;
  /** Where the reference guest's page allocator put the table (its debugfs "IR table address"). */
  public static final long IR_TABLE_PHYS = 0x1b00000L;

  private final Kernel k;
  private final InterruptRemappingUnit regs;
  private final TableMemory memory;
  private final String name = "dmar0";
  private final int seqId = 0;
  private final RawSpinLock registerLock;
  private final long cap;
  private final long ecap;
  private final IntelIrDomain irDomain;
  private final DmarMsiDomain dmarMsi;
  private final DmarFault fault;
  private final boolean eim;
  private int gcmd;
  private int irq;

  /** Sets remapping up and enables it, as boot does before any device interrupt exists. */
  public IntelIommu(Kernel k, IommuOptions options, MsiParent vectorParent, boolean msixDynamic) {
    this.k = k;
    this.regs = options.remappingUnit();
    this.memory = regs.memory();
    this.registerLock = new RawSpinLock(k.exec(), "register_lock");
    this.cap = regs.mmioRead64(InterruptRemappingUnit.CAP);
    this.ecap = regs.mmioRead64(InterruptRemappingUnit.ECAP);
    if ((ecap & (1L << 3)) == 0) {
      throw new KernelException(Errno.ENODEV, name + ": no interrupt remapping support in ecap");
    }
    this.fault = new DmarFault(k, this);
    this.irDomain = new IntelIrDomain(k, this, vectorParent, msixDynamic);
    this.dmarMsi = new DmarMsiDomain(k, this);
    // intel_setup_irq_remapping: clear earlier faults, point the unit at the table, then enable.
    // intel_prepare_irq_remapping: x2APIC mode (EIM) when the APICs are in it and the unit can.
    this.eim = k.apicDriver().x2apic() && (ecap & InterruptRemappingUnit.ECAP_EIM) != 0;
    if (k.apicDriver().x2apic() && !eim) {
      k.log().info("DMAR-IR: " + name + " does not support EIM");
    }
    if (eim) {
      k.log().info("DMAR-IR: Queued invalidation will be enabled to support x2apic and Intr-remapping.");
    }
    fault.handle(-1);
    setIrqRemapping();
    enableIrqRemapping();
    k.log().info("DMAR-IR: Enabled IRQ remapping in " + (eim ? "x2apic" : "xapic") + " mode");
  }

  /** eim_mode: the table holds 32-bit x2APIC destinations. */
  public boolean eim() {
    return eim;
  }

  /** IRTE_DEST (irq_remapping.c): the DST field for destination id {@code dest}. */
  public int irteDest(int dest) {
    return eim ? dest : Irte.xapicDest(dest);
  }

  public String name() {
    return name;
  }

  public int seqId() {
    return seqId;
  }

  public IntelIrDomain irDomain() {
    return irDomain;
  }

  public DmarMsiDomain dmarMsi() {
    return dmarMsi;
  }

  /** The fault interrupt's Linux irq (iommu->irq), 0 before fault handling is enabled. */
  public int irq() {
    return irq;
  }

  public long tablePhys() {
    return IR_TABLE_PHYS;
  }

  TableMemory memory() {
    return memory;
  }

  long cap() {
    return cap;
  }

  /** ecap_max_handle_mask. */
  int maxHandleMask() {
    return (int) ((ecap >>> 20) & 0xf);
  }

  /** cap_fault_reg_offset. */
  int faultRegOffset() {
    return (int) (((cap >>> 24) & 0x3ff) * 16);
  }

  /** cap_num_fault_regs. */
  int numFaultRegs() {
    return (int) (((cap >>> 40) & 0xff) + 1);
  }

  // ---- register access (readl, writel, dmar_readq, dmar_writeq) ----

  int readl(int off) {
    return regs.mmioRead32(off);
  }

  void writel(int value, int off) {
    regs.mmioWrite32(off, value);
  }

  long readq(int off) {
    return regs.mmioRead64(off);
  }

  void writeq(long value, int off) {
    regs.mmioWrite64(off, value);
  }

  /** raw_spin_lock_irqsave(&iommu->register_lock). */
  boolean lockRegisters() {
    boolean f = k.localIrqSave();
    registerLock.lock();
    return f;
  }

  void unlockRegisters(boolean f) {
    registerLock.unlock();
    k.localIrqRestore(f);
  }

  /** IOMMU_WAIT_OP on GSTS: the model's unit completes commands at once, so one read suffices. */
  private int waitStatus(int bit, boolean set) {
    int sts = readl(InterruptRemappingUnit.GSTS);
    if (((sts & bit) != 0) != set) {
      throw new KernelException(Errno.ETIMEDOUT, name + ": GSTS 0x" + Integer.toHexString(sts)
          + " did not " + (set ? "set" : "clear") + " 0x" + Integer.toHexString(bit));
    }
    return sts;
  }

  /** iommu_set_irq_remapping: table address and size, then the one-shot "set table pointer". */
  private void setIrqRemapping() {
    boolean f = lockRegisters();
    try {
      // IR_X2APIC_MODE: the EIME bit in IRTA.
      writeq(IR_TABLE_PHYS | (eim ? InterruptRemappingUnit.IRTA_EIME : 0) | INTR_REMAP_TABLE_REG_SIZE,
          InterruptRemappingUnit.IRTA);
      writel(gcmd | InterruptRemappingUnit.GCMD_SIRTP, InterruptRemappingUnit.GCMD);
      waitStatus(InterruptRemappingUnit.GSTS_IRTPS, true);
    } finally {
      unlockRegisters(f);
    }
  }

  /** iommu_enable_irq_remapping: turn remapping on and make sure compatibility format is blocked. */
  private void enableIrqRemapping() {
    boolean f = lockRegisters();
    try {
      gcmd |= InterruptRemappingUnit.GCMD_IRE;
      writel(gcmd, InterruptRemappingUnit.GCMD);
      int sts = waitStatus(InterruptRemappingUnit.GSTS_IRES, true);
      if ((sts & InterruptRemappingUnit.GSTS_CFIS) != 0) {
        gcmd &= ~InterruptRemappingUnit.GCMD_CFI;
        writel(gcmd, InterruptRemappingUnit.GCMD);
        sts = waitStatus(InterruptRemappingUnit.GSTS_CFIS, false);
      }
      if ((sts & InterruptRemappingUnit.GSTS_CFIS) != 0) {
        k.log().warn("Compatibility-format IRQs enabled despite intr remapping;");
        k.log().warn("you are vulnerable to IRQ injection.");
      }
    } finally {
      unlockRegisters(f);
    }
  }

  /**
   * enable_drhd_fault_handling / dmar_set_interrupt: the fault interrupt (DMAR-MSI, named after
   * the unit) with dmar_fault as its handler, then one direct call to clear what is pending.
   */
  public void enableFaultHandling() {
    if (irq != 0) {
      return;
    }
    irq = dmarMsi.allocHwirq(seqId);
    k.manage().requestIrq(irq, fault::handle, DmarFault.IRQF_NO_THREAD, name, this);
    fault.handle(irq);
    int sts = readl(InterruptRemappingUnit.FSTS);
    writel(sts, InterruptRemappingUnit.FSTS);
  }
}
