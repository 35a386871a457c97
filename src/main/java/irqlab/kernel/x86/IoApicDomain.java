package irqlab.kernel.x86;

import irqlab.exec.RawSpinLock;
import irqlab.hw.ioapic.Firmware;
import irqlab.hw.ioapic.IoApic;
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
import irqlab.kernel.iommu.IrAllocInfo;
import irqlab.kernel.iommu.MsiSourceId;
import irqlab.kernel.irq.IrqChip;
import irqlab.kernel.irq.IrqData;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.irq.IrqdState;
import irqlab.kernel.msi.MsiCore;
import irqlab.kernel.msi.MsiMsg;
import java.util.EnumSet;
import java.util.Set;

/**
 * The IO-APIC irq domain of arch/x86/kernel/apic/io_apic.c: "IO-APIC-0", 24 pins, under INTEL-IR
 * with remapping (chip IR-IO-APIC) or under VECTOR (chip IO-APIC). Legacy ISA irqs 0-15 keep
 * their numbers (IRQ 0 on pin 2; IRQ 2 is the 8259 cascade, an XT-PIC line), PCI GSIs 16-23 get
 * irq = GSI when a device is enabled (mp_map_gsi_to_irq). Edge lines use handle_edge_irq and the
 * APIC's edge ack; level lines handle_fasteoi_irq with ioapic_ack_level (EOI broadcast, the TMR
 * check that counts mismatches in MIS, a pending move carried out masked) or, remapped,
 * ioapic_ir_ack_level (the pin EOIed in the IO-APIC's EOI register, its "vector" being the pin).
 */
public final class IoApicDomain implements IrqDomainOps {
  /** _IRQ_LEVEL as irq_set_status_flags takes it. */
  private static final int IRQ_LEVEL = IrqDesc.STATUS_LEVEL;
  private static final int LEGACY_IRQS = 16;
  private static final int CASCADE = VectorMatrix.PIC_CASCADE_IR;

  /** struct mp_chip_data: the shadow of one pin's redirection entry. */
  static final class MpChipData {
    final int pin;
    final boolean level;
    long entry = IoApic.RTE_MASKED;

    MpChipData(int pin, boolean level) {
      this.pin = pin;
      this.level = level;
    }
  }

  /** What mp_irqdomain_alloc is asked for. */
  private record IoApicInfo(int pin, boolean level, boolean legacy) {}

  private final Kernel k;
  private final Firmware fw;
  private final IoApic hw;
  private final IrqDomain domain;
  private final boolean remapped;
  private final IoApicChip chip;
  private final RawSpinLock ioapicLock;
  private long misCount;

  public IoApicDomain(Kernel k, Firmware fw, IoApic hw) {
    this.k = k;
    this.fw = fw;
    this.hw = hw;
    this.remapped = k.intelIommu() != null;
    IrqDomain parent = remapped ? k.intelIommu().irDomain().domain() : k.vectorDomain().domain();
    this.domain = k.domains().create("IO-APIC-" + fw.ioapicId(), parent, this, IrqDomain.FLAG_NAME_ALLOCATED,
        BusToken.WIRED, this);
    domain.setRevmapSize(IoApic.PINS);
    this.chip = new IoApicChip(remapped ? "IR-IO-APIC" : "IO-APIC");
    this.ioapicLock = new RawSpinLock(k.exec(), "ioapic_lock");
  }

  public IrqDomain domain() {
    return domain;
  }

  /** IO-APIC, or IR-IO-APIC under remapping. */
  public String chipName() {
    return chip.name();
  }

  /**
   * The redirection entry of {@code d}'s pin as the IO-APIC holds it now (read without an access,
   * for the oracle), or -1 when {@code d} is not an IO-APIC line.
   */
  public long hardwareEntry(IrqData d) {
    return d.chipData() instanceof MpChipData m && d.domain() == domain ? hw.peekEntry(m.pin) : -1;
  }

  /** irq_mis_count: level interrupts the local APIC saw as edge (the MIS row). */
  public long misCount() {
    return misCount;
  }

  /**
   * Boot (lapic_assign_system_vectors, then setup_IO_APIC): the ISA vectors are marked on the
   * boot CPU, the 8259 cascade becomes an XT-PIC line, and the IO-APIC takes over ISA irqs 0-15
   * pin by pin (the timer keeping its vector).
   */
  public void boot() {
    VectorMatrix matrix = k.matrix();
    matrix.setCurrentCpu(0);
    for (int i = 0; i < LEGACY_IRQS; i++) {
      if (i != CASCADE) {
        matrix.assign(VectorMatrix.ISA_IRQ_VECTOR_BASE + i);
      }
    }
    cascadeLine();
    for (int pin = 1; pin < LEGACY_IRQS; pin++) {
      int irq = fw.isaIrqOfGsi(pin);
      if (irq >= 0) {
        alloc(irq, new IoApicInfo(pin, fw.isaLevel(irq), true), 0);
      }
    }
    // check_timer: the timer's line is deactivated and activated again through the whole
    // hierarchy (it keeps its vector); under remapping that writes its remapping entry.
    IrqData timer = k.descs().get(0).data();
    IrqDomains.deactivate(timer);
    IrqDomains.activate(timer, false);
  }

  /** IRQ 2: the 8259's cascade, handle_level_irq on the XT-PIC chip, never requested. */
  private void cascadeLine() {
    IrqChip xtpic = new IrqChip("XT-PIC", 0) {
      @Override
      public boolean has(Op op) {
        return false;
      }
    };
    k.descs().allocateExact(CASCADE, desc -> {
      IrqData d = new IrqData(desc, null);
      d.set(0, xtpic, null);
      return d;
    }, k.possibleMask());
    IrqDesc d = k.descs().get(CASCADE);
    d.setHandler(k.chipFlow().levelHandler(), "level");
    d.setStatusFlags(IRQ_LEVEL);
  }

  private void alloc(int irq, IoApicInfo info, int node) {
    k.domains().allocIrqs(domain, irq, 1, info, null, k.possibleMask());
    k.descs().get(irq).setNode(node);
  }

  /**
   * mp_map_gsi_to_irq: an ISA GSI gives its ISA irq; a PCI GSI gets irq = GSI in the IO-APIC
   * domain the first time (level, no NUMA node), not requested and so not started.
   */
  public int mapGsi(int gsi) {
    int isa = fw.isaIrqOfGsi(gsi);
    if (isa >= 0) {
      return isa;
    }
    if (gsi < 0 || gsi >= IoApic.PINS) {
      throw new KernelException(Errno.EINVAL, "GSI " + gsi + " is not on the IO-APIC");
    }
    if (k.descs().get(gsi) == null) {
      alloc(gsi, new IoApicInfo(gsi, true, false), -1);
    }
    return gsi;
  }

  // ---- domain ops (mp_irqdomain_alloc, _free, _activate, _deactivate) ----

  @Override
  public void alloc(IrqDomain d, int virq, int nrIrqs, Object arg) {
    IoApicInfo info = (IoApicInfo) arg;
    X86AllocInfo vec = info.legacy() ? X86AllocInfo.LEGACY : X86AllocInfo.MSI;
    Object parentInfo = remapped
        ? new IrAllocInfo(vec, new MsiSourceId.Verification(Irte.SVT_VERIFY_SID_SQ, Irte.SQ_ALL_16, hw.sourceId()),
            info.pin())
        : vec;
    IrqDomains.allocParent(d, virq, nrIrqs, parentInfo);
    IrqDesc desc = k.descs().get(virq);
    MpChipData data = new MpChipData(info.pin(), info.level());
    desc.data().set(info.pin(), chip, data);
    // mp_register_handler.
    if (info.level()) {
      desc.setStatusFlags(IRQ_LEVEL);
      desc.setHandler(k.chipFlow().fasteoiHandler(), "fasteoi");
    } else {
      desc.setHandler(k.chipFlow().edgeHandler(), "edge");
    }
    // The timer is running on its legacy vector since early boot: program and unmask its pin.
    if (virq == 0 && desc.data().is(IrqdState.ACTIVATED)) {
      configureEntry(desc.data());
    }
  }

  @Override
  public void free(IrqDomain d, int virq, int nrIrqs) {
    IrqDesc desc = k.descs().get(virq);
    if (desc != null) {
      desc.data().reset();
    }
    IrqDomains.freeParent(d, virq, nrIrqs);
  }

  /** mp_irqdomain_activate: ioapic_configure_entry. */
  @Override
  public void activate(IrqDomain d, IrqData data, boolean reserve) {
    configureEntry(data);
  }

  /** mp_irqdomain_deactivate: the entry cleared (masked). */
  @Override
  public void deactivate(IrqDomain d, IrqData data) {
    MpChipData m = (MpChipData) data.chipData();
    boolean f = lockIoapic();
    try {
      m.entry = IoApic.RTE_MASKED;
      writeEntry(m.pin, m.entry);
    } finally {
      unlockIoapic(f);
    }
  }

  // ---- entries ----

  /**
   * ioapic_configure_entry: the message the parent composes turned into the entry
   * (ioapic_setup_msg_from_msi): remapped, the handle and the pin as "vector"; otherwise the
   * vector and destination. Trigger from the line, the mask as it stands.
   */
  private void configureEntry(IrqData data) {
    MpChipData m = (MpChipData) data.chipData();
    MsiMsg msg = MsiCore.composeMsiMsg(data);
    long e = m.entry & IoApic.RTE_MASKED;
    if (m.level) {
      e |= IoApic.RTE_LEVEL;
    }
    long addr = msg.addressLo() & 0xffffffffL;
    if (RemappableFormat.isRemappable(addr)) {
      int handle = RemappableFormat.handle(addr);
      e |= msg.data() & 0xff;
      e |= IoApic.RTE_REMAPPABLE | ((long) (handle & 0x7fff) << 49) | ((long) (handle >>> 15) << 11);
    } else {
      e |= msg.data() & 0xff;
      e |= ((addr >>> 12) & 0xff) << 56;
    }
    boolean f = lockIoapic();
    try {
      m.entry = e;
      writeEntry(m.pin, e);
    } finally {
      unlockIoapic(f);
    }
  }

  /** __ioapic_write_entry: the high word, then the low one. */
  private void writeEntry(int pin, long e) {
    ioWrite(IoApic.REG_REDTBL + 2 * pin + 1, (int) (e >>> 32));
    ioWrite(IoApic.REG_REDTBL + 2 * pin, (int) e);
  }

  private void ioWrite(int reg, int value) {
    hw.mmioWrite32(IoApic.IOREGSEL, reg);
    hw.mmioWrite32(IoApic.IOWIN, value);
  }

  private int ioRead(int reg) {
    hw.mmioWrite32(IoApic.IOREGSEL, reg);
    return hw.mmioRead32(IoApic.IOWIN);
  }

  private boolean lockIoapic() {
    boolean f = k.localIrqSave();
    ioapicLock.lock();
    return f;
  }

  private void unlockIoapic(boolean f) {
    ioapicLock.unlock();
    k.localIrqRestore(f);
  }

  /** io_apic_modify_irq: the mask bit, read back for a level line (io_apic_sync). */
  private void setMasked(IrqData d, boolean masked) {
    MpChipData m = (MpChipData) d.chipData();
    boolean f = lockIoapic();
    try {
      m.entry = masked ? m.entry | IoApic.RTE_MASKED : m.entry & ~IoApic.RTE_MASKED;
      ioWrite(IoApic.REG_REDTBL + 2 * m.pin, (int) m.entry);
      if (masked && m.level) {
        ioRead(IoApic.REG_REDTBL + 2 * m.pin);
      }
    } finally {
      unlockIoapic(f);
    }
  }

  /** eoi_ioapic_pin: version 0x20 and later have an EOI register. */
  private void eoiPin(int vector) {
    boolean f = lockIoapic();
    try {
      hw.mmioWrite32(IoApic.EOI, vector);
    } finally {
      unlockIoapic(f);
    }
  }

  /** ioapic_ack_level: without remapping. */
  private void ackLevel(IrqData d) {
    ApicChipData cfg = VectorDomain.apicChipData(d);
    int cpu = k.smpProcessorId();
    k.vectorDomain().completeMove(d, cpu);
    // ioapic_prepare_move: a pending move is done with the pin masked.
    boolean moveit = d.is(IrqdState.SETAFFINITY_PENDING);
    if (moveit && !d.is(IrqdState.IRQ_MASKED)) {
      setMasked(d, true);
    }
    int vector = cfg.vector();
    boolean tmr = k.interruptEntry().apicTmr(cpu, vector);
    k.interruptEntry().apicEoi(cpu);
    if (!tmr) {
      misCount++;
      eoiPin(vector);
    }
    if (moveit) {
      k.migration().irqMoveMaskedIrq(d.desc());
      if (!d.is(IrqdState.IRQ_MASKED)) {
        setMasked(d, false);
      }
    }
  }

  /** ioapic_ir_ack_level: apic_ack_irq, then the pin's EOI with its entry's "vector" (the pin). */
  private void irAckLevel(IrqData d) {
    MpChipData m = (MpChipData) d.chipData();
    k.migration().irqMoveIrq(d);
    k.interruptEntry().apicEoi(k.smpProcessorId());
    eoiPin((int) (m.entry & IoApic.RTE_VECTOR));
  }

  /** ioapic_set_affinity: the parent moves the vector, then the entry follows. */
  private int setAffinity(IrqData d, CpuMask mask, boolean force) {
    IrqData parent = d.parent();
    int ret = parent.chip().setAffinity(parent, mask, force);
    if (ret != IrqChip.SET_MASK_OK_DONE) {
      configureEntry(d);
    }
    return ret;
  }

  /** ioapic_chip and ioapic_ir_chip. */
  private final class IoApicChip extends IrqChip {
    private final Set<Op> ops = EnumSet.of(Op.STARTUP, Op.MASK, Op.UNMASK, Op.ACK, Op.EOI, Op.SET_AFFINITY,
        Op.RETRIGGER);

    IoApicChip(String name) {
      super(name, FLAG_SKIP_SET_WAKE | FLAG_AFFINITY_PRE_STARTUP);
    }

    @Override
    public boolean has(Op op) {
      return ops.contains(op);
    }

    /** startup_ioapic_irq: unmask. */
    @Override
    public void startup(IrqData d) {
      setMasked(d, false);
    }

    @Override
    public void mask(IrqData d) {
      setMasked(d, true);
    }

    @Override
    public void unmask(IrqData d) {
      setMasked(d, false);
    }

    /** irq_chip_ack_parent: the edge ack of the APIC (or of INTEL-IR). */
    @Override
    public void ack(IrqData d) {
      ackParent(d);
    }

    @Override
    public void eoi(IrqData d) {
      if (remapped) {
        irAckLevel(d);
      } else {
        ackLevel(d);
      }
    }

    @Override
    public int setAffinity(IrqData d, CpuMask dest, boolean force) {
      return IoApicDomain.this.setAffinity(d, dest, force);
    }

    @Override
    public boolean retrigger(IrqData d) {
      return retriggerHierarchy(d.parent());
    }
  }
}
