package irqlab.kernel.iommu;

import irqlab.exec.RawSpinLock;
import irqlab.hw.iommu.Irte;
import irqlab.hw.iommu.RemappableFormat;
import irqlab.kernel.Errno;
import irqlab.kernel.Kernel;
import irqlab.kernel.KernelException;
import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.domain.BusToken;
import irqlab.kernel.domain.IrqDomain;
import irqlab.kernel.domain.IrqDomainOps;
import irqlab.kernel.domain.IrqDomains;
import irqlab.kernel.irq.IrqChip;
import irqlab.kernel.irq.IrqData;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.msi.MsiCore;
import irqlab.kernel.msi.MsiDevice;
import irqlab.kernel.msi.MsiDomainTemplate;
import irqlab.kernel.msi.MsiMsg;
import irqlab.kernel.msi.MsiParent;
import irqlab.kernel.pci.PciDev;
import irqlab.kernel.x86.ApicChipData;
import irqlab.kernel.x86.VectorDomain;
import java.util.EnumSet;
import java.util.Set;

/**
 * The INTEL-IR irq domain (drivers/iommu/intel/irq_remapping.c): the level between VECTOR and the
 * per-device PCI domains. It owns the remapping table: allocation hands out aligned blocks of
 * entries (one per MSI-X vector, 2^n for multi-MSI), activation stores the vector and destination
 * the VECTOR level chose into the entry, and an affinity change rewrites only the entry, since the
 * device's message (a handle) never changes. As the MSI parent of per-device domains it prefixes
 * their names with "IR-" and offers multi-MSI and IMS besides MSI-X.
 */
public final class IntelIrDomain implements IrqDomainOps, MsiParent {
  /** IRQ_MOVE_PCNTXT (include/linux/irq.h): affinity may be changed from process context. */
  public static final int IRQ_MOVE_PCNTXT = 1 << 14;

  private final Kernel k;
  private final IntelIommu iommu;
  private final MsiParent vectorParent;
  private final boolean msixDynamic;
  private final IrqDomain domain;
  private final IrteAllocator bitmap = new IrteAllocator(IntelIommu.INTR_REMAP_TABLE_ENTRIES);
  private final RawSpinLock irq2IrLock;
  private final IntelIrChip chip = new IntelIrChip();

  IntelIrDomain(Kernel k, IntelIommu iommu, MsiParent vectorParent, boolean msixDynamic) {
    this.k = k;
    this.iommu = iommu;
    this.vectorParent = vectorParent;
    this.msixDynamic = msixDynamic;
    this.irq2IrLock = new RawSpinLock(k.exec(), "irq_2_ir_lock");
    // irq_domain_create_hierarchy with INTR_REMAP_TABLE_ENTRIES, bus token DMAR, MSI parent, isolated MSI.
    this.domain = k.domains().create("INTEL-IR-" + iommu.seqId(), k.vectorDomain().domain(), this,
        IrqDomain.FLAG_NAME_ALLOCATED | IrqDomain.FLAG_MSI_PARENT | IrqDomain.FLAG_ISOLATED_MSI,
        BusToken.DMAR, iommu);
    domain.setRevmapSize(IntelIommu.INTR_REMAP_TABLE_ENTRIES);
  }

  public IrqDomain domain() {
    return domain;
  }

  public IrqChip chip() {
    return chip;
  }

  /** The remapping table entry at {@code index} as the hardware reads it now (for views). */
  public Irte peekTableEntry(int index) {
    long at = iommu.tablePhys() + (long) index * 16;
    return Irte.decode(iommu.memory().peek64(at), iommu.memory().peek64(at + 8));
  }

  /** Raw words of entry {@code index}: {low, high}. */
  public long[] peekTableWords(int index) {
    long at = iommu.tablePhys() + (long) index * 16;
    return new long[] {iommu.memory().peek64(at), iommu.memory().peek64(at + 8)};
  }

  public boolean entryAllocated(int index) {
    return bitmap.isUsed(index);
  }

  public int entriesAllocated() {
    return bitmap.usedCount();
  }

  // ---- the table (alloc_irte, modify_irte, clear_entries) ----

  /** alloc_irte: an aligned block for {@code count} interrupts; returns its first index or -1. */
  private int allocIrte(int count, int[] maskOut) {
    int mask = 0;
    if (count > 1) {
      int rounded = Integer.highestOneBit(count - 1) << 1;
      mask = Integer.numberOfTrailingZeros(rounded);
    }
    if (mask > iommu.maxHandleMask()) {
      k.log().err(String.format("DMAR-IR: Requested mask %x exceeds the max invalidation handle mask value %x",
          mask, iommu.maxHandleMask()));
      return -1;
    }
    boolean f = k.localIrqSave();
    irq2IrLock.lock();
    try {
      int index = bitmap.findFreeRegion(mask);
      if (index < 0) {
        k.log().warn("DMAR-IR: IR" + iommu.seqId() + ": can't allocate an IRTE");
      }
      maskOut[0] = mask;
      return index;
    } finally {
      irq2IrLock.unlock();
      k.localIrqRestore(f);
    }
  }

  /**
   * modify_irte: the two quadwords are stored one after the other (low first), each a store the
   * unit may observe on its own; a remapped entry's vector and destination sit in the low one,
   * so a move is a single store.
   */
  private void modifyIrte(IntelIrData data, Irte e) {
    boolean f = k.localIrqSave();
    irq2IrLock.lock();
    try {
      long at = iommu.tablePhys() + (long) data.entryIndex() * 16;
      iommu.memory().write64(at, e.low());
      iommu.memory().write64(at + 8, e.high());
      // qi_flush_iec: the model's unit caches no entries, so there is nothing to invalidate.
    } finally {
      irq2IrLock.unlock();
      k.localIrqRestore(f);
    }
  }

  /** clear_entries: the block's owner (subhandle 0) zeroes all its entries and frees the block. */
  private void clearEntries(IntelIrData data) {
    if (data.subHandle() != 0) {
      return;
    }
    int start = data.irteIndex();
    int end = start + (1 << data.irteMask());
    for (int i = start; i < end; i++) {
      long at = iommu.tablePhys() + (long) i * 16;
      iommu.memory().write64(at, 0);
      iommu.memory().write64(at + 8, 0);
    }
    bitmap.releaseRegion(start, data.irteMask());
  }

  /** intel_ir_reconfigure_irte: the entry follows the VECTOR level's current configuration. */
  private void reconfigureIrte(IrqData irqd) {
    IntelIrData data = (IntelIrData) irqd.chipData();
    ApicChipData cfg = VectorDomain.apicChipData(irqd);
    Irte e = data.irte().withVectorAndDest(cfg.cfgVector(), iommu.irteDest(cfg.cfgDestApicId()));
    data.setIrte(e);
    modifyIrte(data, e);
  }

  // ---- domain ops ----

  /** intel_irq_remapping_alloc. */
  @Override
  public void alloc(IrqDomain d, int virq, int nrIrqs, Object arg) {
    if (!(arg instanceof IrAllocInfo info)) {
      throw new KernelException(Errno.EINVAL, "INTEL-IR alloc without remapping info");
    }
    IrqDomains.allocParent(d, virq, nrIrqs, info.vectorInfo());
    int[] mask = new int[1];
    int index = allocIrte(nrIrqs, mask);
    if (index < 0) {
      k.log().warn("DMAR-IR: Failed to allocate IRTE");
      IrqDomains.freeParent(d, virq, nrIrqs);
      throw new KernelException(Errno.ENOMEM, "no free interrupt remapping table entry block of " + nrIrqs);
    }
    MsiSourceId.Verification sid = info.sourceId() != null ? info.sourceId()
        : new MsiSourceId.Verification(Irte.SVT_NO_VERIFY, Irte.SQ_ALL_16, 0);
    for (int i = 0; i < nrIrqs; i++) {
      IrqDesc desc = k.descs().get(virq + i);
      IrqData irqd = desc.data().levelIn(d);
      ApicChipData cfg = VectorDomain.apicChipData(irqd);
      // prepare_irte + set_msi_sid: kept in ir_data until activation writes it to the table.
      Irte irte = Irte.remapped(cfg.cfgVector(), iommu.irteDest(cfg.cfgDestApicId()),
          k.apicDriver().destModeLogical(), sid.svt(), sid.sq(), sid.sid());
      // fill_msi_msg: the subhandle is the vector's place in the block, or an IO-APIC's pin.
      MsiMsg msg = new MsiMsg(RemappableFormat.addressLo(index, true), 0, info.ioapicPin() >= 0 ? info.ioapicPin() : i);
      irqd.set(((long) index << 16) + i, chip, new IntelIrData(index, i, mask[0], irte, msg));
      desc.setStatusFlags(IRQ_MOVE_PCNTXT);
    }
  }

  /** intel_irq_remapping_free: entries cleared and released, then the levels below. */
  @Override
  public void free(IrqDomain d, int virq, int nrIrqs) {
    for (int i = 0; i < nrIrqs; i++) {
      IrqDesc desc = k.descs().get(virq + i);
      IrqData irqd = desc == null ? null : desc.data().levelIn(d);
      if (irqd != null && irqd.chipData() instanceof IntelIrData data) {
        boolean f = k.localIrqSave();
        irq2IrLock.lock();
        try {
          clearEntries(data);
        } finally {
          irq2IrLock.unlock();
          k.localIrqRestore(f);
        }
        irqd.reset();
      }
    }
    IrqDomains.freeParent(d, virq, nrIrqs);
  }

  /** intel_irq_remapping_activate: the entry gets the vector and destination, present. */
  @Override
  public void activate(IrqDomain d, IrqData irqd, boolean reserve) {
    reconfigureIrte(irqd);
  }

  /** intel_irq_remapping_deactivate: an all-zero entry (not present); ir_data keeps its copy. */
  @Override
  public void deactivate(IrqDomain d, IrqData irqd) {
    modifyIrte((IntelIrData) irqd.chipData(), Irte.EMPTY);
  }

  // ---- MSI parent (dmar_msi_parent_ops) ----

  @Override
  public String prefix() {
    return "IR-";
  }

  /** X86_VECTOR_MSI_FLAGS_SUPPORTED plus multi-MSI, and PCI/IMS as in v6.2. */
  @Override
  public int supportedFlags() {
    int f = MsiDomainTemplate.FLAG_PCI_MSIX | MsiDomainTemplate.FLAG_MULTI_PCI_MSI | MsiDomainTemplate.FLAG_PCI_IMS;
    return msixDynamic ? f | MsiDomainTemplate.FLAG_PCI_MSIX_ALLOC_DYN : f;
  }

  @Override
  public boolean supportsBus(BusToken token) {
    return token == BusToken.PCI_DEVICE_MSI || token == BusToken.PCI_DEVICE_MSIX
        || token == BusToken.PCI_DEVICE_IMS;
  }

  /** The vector domain's info, passed on, and the requester ids the entry will accept. */
  @Override
  public Object allocInfo(MsiDevice dev) {
    MsiSourceId.Verification sid = dev instanceof PciDev p ? sourceId(p) : null;
    return new IrAllocInfo(vectorParent.allocInfo(dev), sid);
  }

  /**
   * set_msi_sid: pci_for_each_dma_alias starts at pci_real_dma_dev, so a device behind a VMD in
   * bypass mode is verified by the VMD's requester id (its alias is on another bus than it).
   */
  private static MsiSourceId.Verification sourceId(PciDev p) {
    int rid = p.function().requesterId();
    PciDev real = p.realDmaDev();
    if (real == null) {
      return MsiSourceId.of(rid);
    }
    int alias = real.function().requesterId();
    return MsiSourceId.of(rid, java.util.List.of(new MsiSourceId.DmaAlias(alias >>> 8, alias)));
  }

  /**
   * msi_domain_set_affinity, which the per-device chips get under a remapping parent: the device's
   * message is rewritten only when the level below did not finish the job, which INTEL-IR always
   * does.
   */
  @Override
  public int setAffinity(IrqData d, CpuMask mask, boolean force) {
    IrqData parent = d.parent();
    int ret = parent.chip().setAffinity(parent, mask, force);
    if (ret != IrqChip.SET_MASK_OK_DONE) {
      MsiCore.updateMsg(d);
    }
    return ret;
  }

  /** intel_ir_chip. */
  private final class IntelIrChip extends IrqChip {
    private final Set<Op> ops = EnumSet.of(Op.ACK, Op.SET_AFFINITY, Op.COMPOSE_MSI_MSG);

    IntelIrChip() {
      super("INTEL-IR", 0);
    }

    @Override
    public boolean has(Op op) {
      return ops.contains(op);
    }

    /**
     * apic_ack_irq: a pending move, then EOI. No irq_complete_move: the old vector's cleanup was
     * scheduled when the entry was rewritten.
     */
    @Override
    public void ack(IrqData d) {
      k.migration().irqMoveIrq(d);
      k.interruptEntry().apicEoi(k.smpProcessorId());
    }

    /**
     * intel_ir_set_affinity: a new vector from VECTOR, the entry rewritten in one store, and from
     * then on every message arrives at the new vector, so the old one can be cleaned up at once
     * (vector_schedule_cleanup) instead of after the first interrupt as without remapping.
     */
    @Override
    public int setAffinity(IrqData d, CpuMask dest, boolean force) {
      IrqData parent = d.parent();
      int ret = parent.chip().setAffinity(parent, dest, force);
      if (ret == SET_MASK_OK_DONE) {
        return ret;
      }
      reconfigureIrte(d);
      k.vectorDomain().vectorScheduleCleanup(parent);
      return SET_MASK_OK_DONE;
    }

    /** intel_ir_compose_msi_msg: the remappable message made at allocation. */
    @Override
    public MsiMsg composeMsiMsg(IrqData d) {
      return ((IntelIrData) d.chipData()).msiEntry();
    }
  }
}
