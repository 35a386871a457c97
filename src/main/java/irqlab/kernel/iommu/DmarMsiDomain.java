package irqlab.kernel.iommu;

import irqlab.hw.iommu.InterruptRemappingUnit;
import irqlab.kernel.Kernel;
import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.domain.BusToken;
import irqlab.kernel.domain.IrqDomain;
import irqlab.kernel.domain.IrqDomains;
import irqlab.kernel.irq.IrqChip;
import irqlab.kernel.irq.IrqData;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.msi.MsiCore;
import irqlab.kernel.msi.MsiMsg;
import irqlab.kernel.x86.X86AllocInfo;
import java.util.EnumSet;
import java.util.Set;

/**
 * The DMAR-MSI domain and chip (arch/x86/kernel/apic/msi.c, dmar_get_irq_domain,
 * dmar_msi_controller): the remapping unit's own fault interrupt, a child of VECTOR, never
 * remapped. Its message lives in the unit's fault event data and address registers and it is
 * masked through the fault event control register (dmar.c dmar_msi_mask, dmar_msi_write).
 */
public final class DmarMsiDomain extends irqlab.kernel.msi.MsiDomainOps {
  private final Kernel k;
  private final IntelIommu iommu;
  private final IrqDomain domain;
  private final DmarMsiChip chip = new DmarMsiChip();

  DmarMsiDomain(Kernel k, IntelIommu iommu) {
    this.k = k;
    this.iommu = iommu;
    this.domain = k.domains().create("DMAR-MSI", k.vectorDomain().domain(), this,
        IrqDomain.FLAG_NAME_ALLOCATED | IrqDomain.FLAG_MSI, BusToken.ANY, null);
  }

  public IrqDomain domain() {
    return domain;
  }

  /** dmar_alloc_hwirq: one interrupt whose hwirq is the unit's sequence id; no NUMA node. */
  int allocHwirq(int id) {
    int irq = k.domains().allocIrqs(domain, 1, id, null, k.possibleMask());
    k.descs().get(irq).setNode(-1);
    return irq;
  }

  @Override
  public void alloc(IrqDomain d, int virq, int nrIrqs, Object arg) {
    IrqDomains.allocParent(d, virq, nrIrqs, X86AllocInfo.MSI);
    int id = arg instanceof Integer i ? i : 0;
    for (int n = 0; n < nrIrqs; n++) {
      IrqDesc desc = k.descs().get(virq + n);
      desc.data().set(id, chip, iommu);
      desc.setHandler(k.chipFlow().edgeHandler(), "edge");
    }
  }

  @Override
  public void free(IrqDomain d, int virq, int nrIrqs) {
    IrqDomains.freeParent(d, virq, nrIrqs);
    for (int n = 0; n < nrIrqs; n++) {
      IrqDesc desc = k.descs().get(virq + n);
      if (desc != null) {
        desc.data().reset();
      }
    }
  }

  /** dmar_msi_controller. */
  private final class DmarMsiChip extends IrqChip {
    private final Set<Op> ops = EnumSet.of(Op.MASK, Op.UNMASK, Op.ACK, Op.SET_AFFINITY, Op.RETRIGGER,
        Op.COMPOSE_MSI_MSG, Op.WRITE_MSI_MSG);

    DmarMsiChip() {
      super("DMAR-MSI", FLAG_SKIP_SET_WAKE | FLAG_AFFINITY_PRE_STARTUP);
    }

    @Override
    public boolean has(Op op) {
      return ops.contains(op);
    }

    /** dmar_msi_mask: FECTL.IM, read back to flush the posted write. */
    @Override
    public void mask(IrqData d) {
      fectl(InterruptRemappingUnit.FECTL_IM);
    }

    @Override
    public void unmask(IrqData d) {
      fectl(0);
    }

    private void fectl(int value) {
      boolean f = iommu.lockRegisters();
      try {
        iommu.writel(value, InterruptRemappingUnit.FECTL);
        iommu.readl(InterruptRemappingUnit.FECTL);
      } finally {
        iommu.unlockRegisters(f);
      }
    }

    /** irq_chip_ack_parent. */
    @Override
    public void ack(IrqData d) {
      ackParent(d);
    }

    /** msi_domain_set_affinity. */
    @Override
    public int setAffinity(IrqData d, CpuMask dest, boolean force) {
      IrqData parent = d.parent();
      int ret = parent.chip().setAffinity(parent, dest, force);
      if (ret != SET_MASK_OK_DONE) {
        MsiCore.updateMsg(d);
      }
      return ret;
    }

    /** irq_chip_retrigger_hierarchy. */
    @Override
    public boolean retrigger(IrqData d) {
      return retriggerHierarchy(d.parent());
    }

    /** dmar_msi_compose_msg: the vector level's compatibility-format message. */
    @Override
    public MsiMsg composeMsiMsg(IrqData d) {
      return d.parent().chip().composeMsiMsg(d.parent());
    }

    /** dmar_msi_write: data, then address low and high. */
    @Override
    public void writeMsiMsg(IrqData d, MsiMsg msg) {
      boolean f = iommu.lockRegisters();
      try {
        iommu.writel(msg.data(), InterruptRemappingUnit.FEDATA);
        iommu.writel(msg.addressLo(), InterruptRemappingUnit.FEADDR);
        iommu.writel(msg.addressHi(), InterruptRemappingUnit.FEUADDR);
      } finally {
        iommu.unlockRegisters(f);
      }
    }
  }
}
