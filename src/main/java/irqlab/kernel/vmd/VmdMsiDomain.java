package irqlab.kernel.vmd;

import irqlab.kernel.domain.IrqDomain;
import irqlab.kernel.irq.IrqChip;
import irqlab.kernel.irq.IrqData;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.msi.MsiCore;
import irqlab.kernel.msi.MsiDeviceDomain;
import irqlab.kernel.msi.MsiDomainOps;
import irqlab.kernel.msi.MsiMsg;
import irqlab.kernel.msi.MsiPrepare;
import java.util.EnumSet;
import java.util.Set;

/**
 * The VMD-MSI domain of Linux 6.12: a global PCI/MSI domain without a parent. Its default
 * msi_domain_ops call vmd_msi_init for each child interrupt (the entry, its vector, hwirq = that
 * vector's Linux irq, handle_untracked_irq with no name) and vmd_msi_free when it goes; activation
 * composes the child's message (VMD vector index as destination id, data 0) and writes it into
 * the child's MSI-X entry or MSI capability. Its chip "VMD-MSI" has vmd_irq_enable and
 * vmd_irq_disable and, from the PCI defaults, mask, unmask and the message write; no
 * irq_set_affinity (MSI_FLAG_NO_AFFINITY), no ack.
 */
final class VmdMsiDomain extends MsiDomainOps implements MsiPrepare {
  private final VmdDriver vmd;
  private final Chip chip = new Chip();

  VmdMsiDomain(VmdDriver vmd) {
    this.vmd = vmd;
  }

  IrqChip chip() {
    return chip;
  }

  /** vmd_msi_prepare: a child asking for more vectors than the VMD has is offered that many. */
  @Override
  public int prepare(MsiDeviceDomain dd, int nvec) {
    return nvec > vmd.msixCount() ? vmd.msixCount() : 0;
  }

  /** msi_domain_alloc with vmd_get_hwirq (0) and vmd_msi_init for each interrupt. */
  @Override
  public void alloc(IrqDomain domain, int virq, int nrIrqs, Object arg) {
    MsiCore.AllocArg a = (MsiCore.AllocArg) arg;
    for (int i = 0; i < nrIrqs; i++) {
      IrqDesc desc = vmd.kernel().descs().get(virq + i);
      VmdIrq e = vmd.msiInit(a.owner(), virq + i);
      // irq_domain_set_info(domain, virq, vmdirq->irq->virq, info->chip, vmdirq, handle_untracked_irq, vmd, NULL)
      desc.data().set(e.irq.virq, chip, e);
      desc.setHandler(vmd.kernel().chipFlow().untrackedHandler(), null);
    }
  }

  /** msi_domain_free: vmd_msi_free for each, then the levels are reset. */
  @Override
  public void free(IrqDomain domain, int virq, int nrIrqs) {
    for (int i = 0; i < nrIrqs; i++) {
      IrqDesc desc = vmd.kernel().descs().get(virq + i);
      if (desc != null && desc.data().chipData() instanceof VmdIrq e) {
        vmd.msiFree(e);
        desc.data().reset();
      }
    }
  }

  /** vmd_msi_controller as pci_msi_create_irq_domain completes it (IRQCHIP_ONESHOT_SAFE). */
  private final class Chip extends IrqChip {
    private final Set<Op> ops = EnumSet.of(Op.ENABLE, Op.DISABLE, Op.COMPOSE_MSI_MSG, Op.MASK, Op.UNMASK,
        Op.WRITE_MSI_MSG);

    Chip() {
      super("VMD-MSI", FLAG_ONESHOT_SAFE);
    }

    @Override
    public boolean has(Op op) {
      return ops.contains(op);
    }

    /** vmd_irq_enable: on the vector's list, then unmask. */
    @Override
    public void enable(IrqData d) {
      vmd.listAdd(VmdDriver.entry(d));
      unmask(d);
    }

    /** vmd_irq_disable: mask, then off the list. */
    @Override
    public void disable(IrqData d) {
      mask(d);
      vmd.listDel(VmdDriver.entry(d));
    }

    @Override
    public MsiMsg composeMsiMsg(IrqData d) {
      return VmdDriver.composeMsg(VmdDriver.entry(d));
    }

    @Override
    public void mask(IrqData d) {
      vmd.pciMsi().maskIrq(d);
    }

    @Override
    public void unmask(IrqData d) {
      vmd.pciMsi().unmaskIrq(d);
    }

    @Override
    public void writeMsiMsg(IrqData d, MsiMsg msg) {
      vmd.pciMsi().writeMsg(d, msg);
    }
  }
}
