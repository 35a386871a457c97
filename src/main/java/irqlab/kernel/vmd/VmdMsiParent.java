package irqlab.kernel.vmd;

import irqlab.kernel.Errno;
import irqlab.kernel.KernelException;
import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.domain.BusToken;
import irqlab.kernel.domain.IrqDomain;
import irqlab.kernel.domain.IrqDomainOps;
import irqlab.kernel.irq.IrqChip;
import irqlab.kernel.irq.IrqData;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.msi.MsiDevice;
import irqlab.kernel.msi.MsiDeviceData;
import irqlab.kernel.msi.MsiDomainTemplate;
import irqlab.kernel.msi.MsiMsg;
import irqlab.kernel.msi.MsiParent;
import irqlab.kernel.pci.PciDev;
import java.util.EnumSet;
import java.util.Set;

/**
 * VMD as an MSI parent (d7d8ab87e3e7, v6.17; the vmd-perdevice-no-startup variant): each child gets
 * a per-device domain "VMD-PCI-MSIX-<bdf>" under the VMD's domain (msi_parent_ops prefix "VMD-",
 * MSI_FLAG_NO_AFFINITY required, no dynamic MSI-X or multi-MSI); vmd_msi_alloc sets the parent
 * level (chip VMD-MSI with compose only, the entry, handle_untracked_irq) and
 * vmd_init_dev_msi_info gives the child chip vmd_pci_msi_enable and vmd_pci_msi_disable. The PCI
 * child chip has its own irq_startup and irq_shutdown (54f45a30c0: unmask and mask), so
 * irq_startup never reaches VMD's enable: the child is never put on its vector's list. e433110eb5bf
 * (v6.18-rc2) made startup and shutdown VMD's too; this variant is the state before it.
 */
final class VmdMsiParent implements MsiParent {
  private final VmdDriver vmd;
  private final ParentChip parentChip = new ParentChip();
  private final IrqDomainOps ops = new Ops();

  VmdMsiParent(VmdDriver vmd) {
    this.vmd = vmd;
  }

  IrqDomainOps ops() {
    return ops;
  }

  @Override
  public String prefix() {
    return "VMD-";
  }

  /** VMD_MSI_FLAGS_SUPPORTED: MSI_GENERIC_FLAGS_MASK | MSI_FLAG_PCI_MSIX. */
  @Override
  public int supportedFlags() {
    return MsiDomainTemplate.FLAG_PCI_MSIX;
  }

  /** bus_select_mask MATCH_PCI_MSI. */
  @Override
  public boolean supportsBus(BusToken token) {
    return token == BusToken.PCI_DEVICE_MSI || token == BusToken.PCI_DEVICE_MSIX;
  }

  /** What vmd_msi_alloc needs of the child: its struct pci_dev (msi_desc_to_pci_dev). */
  @Override
  public Object allocInfo(MsiDevice dev) {
    return dev;
  }

  /** MSI_FLAG_NO_AFFINITY: the child chips get no irq_set_affinity, so this is never asked. */
  @Override
  public int setAffinity(IrqData d, CpuMask mask, boolean force) {
    throw new KernelException(Errno.EINVAL, "VMD children have no affinity of their own");
  }

  /** msi_lib leaves the handler vmd_msi_alloc installed. */
  @Override
  public boolean installsEdgeHandler() {
    return false;
  }

  /** vmd_init_dev_msi_info before e433110eb5bf: enable and disable are VMD's, startup the PCI one. */
  @Override
  public IrqChip initDevChip(IrqChip pci) {
    return new ChildChip(pci);
  }

  /** The per-device chip: the PCI callbacks, without ack or affinity, with VMD's enable/disable. */
  private final class ChildChip extends IrqChip {
    private final Set<Op> ops = EnumSet.of(Op.MASK, Op.UNMASK, Op.WRITE_MSI_MSG, Op.ENABLE, Op.DISABLE,
        Op.STARTUP, Op.SHUTDOWN);
    private final IrqChip pci;

    ChildChip(IrqChip pci) {
      super(pci.name(), pci.flags());
      this.pci = pci;
    }

    @Override
    public boolean has(Op op) {
      return ops.contains(op);
    }

    /** pci_irq_startup_msix (54f45a30c0): unmask only; VMD's list never hears of it. */
    @Override
    public void startup(IrqData d) {
      pci.unmask(d);
    }

    /** pci_irq_shutdown_msix: mask. */
    @Override
    public void shutdown(IrqData d) {
      pci.mask(d);
    }

    /** vmd_pci_msi_enable: vmd_irq_enable on the parent level, then unmask. */
    @Override
    public void enable(IrqData d) {
      vmd.listAdd(VmdDriver.entry(d.parent()));
      pci.unmask(d);
    }

    /** vmd_pci_msi_disable: mask, then vmd_irq_disable on the parent level. */
    @Override
    public void disable(IrqData d) {
      pci.mask(d);
      vmd.listDel(VmdDriver.entry(d.parent()));
    }

    @Override
    public void mask(IrqData d) {
      pci.mask(d);
    }

    @Override
    public void unmask(IrqData d) {
      pci.unmask(d);
    }

    @Override
    public void writeMsiMsg(IrqData d, MsiMsg msg) {
      pci.writeMsiMsg(d, msg);
    }
  }

  /** The parent level's chip: "VMD-MSI" with vmd_compose_msi_msg only. */
  private static final class ParentChip extends IrqChip {
    ParentChip() {
      super("VMD-MSI", 0);
    }

    @Override
    public boolean has(Op op) {
      return op == Op.COMPOSE_MSI_MSG;
    }

    @Override
    public MsiMsg composeMsiMsg(IrqData d) {
      return VmdDriver.composeMsg(VmdDriver.entry(d));
    }
  }

  /** vmd_msi_domain_ops: vmd_msi_alloc and vmd_msi_free. */
  private final class Ops implements IrqDomainOps {
    @Override
    public void alloc(IrqDomain domain, int virq, int nrIrqs, Object arg) {
      PciDev dev = (PciDev) arg;
      for (int i = 0; i < nrIrqs; i++) {
        IrqDesc desc = vmd.kernel().descs().get(virq + i);
        VmdIrq e = vmd.msiInit(dev.msiData().domain(MsiDeviceData.DEFAULT_DOMAIN), virq + i);
        IrqData level = desc.data().levelIn(domain);
        level.set(e.irq.virq, parentChip, e);
        desc.setHandler(vmd.kernel().chipFlow().untrackedHandler(), null);
      }
    }

    @Override
    public void free(IrqDomain domain, int virq, int nrIrqs) {
      for (int i = 0; i < nrIrqs; i++) {
        IrqDesc desc = vmd.kernel().descs().get(virq + i);
        IrqData level = desc == null ? null : desc.data().levelIn(domain);
        if (level != null && level.chipData() instanceof VmdIrq e) {
          vmd.msiFree(e);
          level.reset();
        }
      }
    }
  }
}
