package irqlab.kernel.x86;

import irqlab.exec.Event;
import irqlab.exec.RawSpinLock;
import irqlab.hw.MsiMessage;
import irqlab.kernel.Errno;
import irqlab.kernel.Kernel;
import irqlab.kernel.KernelException;
import irqlab.kernel.Variants;
import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.domain.BusToken;
import irqlab.kernel.domain.IrqDomain;
import irqlab.kernel.domain.IrqDomainOps;
import irqlab.kernel.irq.IrqChip;
import irqlab.kernel.irq.IrqData;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.irq.IrqdState;
import irqlab.kernel.msi.MsiMsg;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The x86 VECTOR domain (arch/x86/kernel/apic/vector.c): the root of every interrupt's
 * hierarchy. It owns the vector matrix and the per-CPU vector-to-descriptor tables, assigns vectors
 * by the kernel's policy (managed reservation, global reservation, explicit mask), moves them, and
 * frees a moved-from vector on its old CPU from a timer once the first interrupt arrived on the new
 * one and the old vector is no longer pending there.
 */
public final class VectorDomain implements IrqDomainOps {
  /** Entries of vector_irq that are not descriptors (arch/x86/include/asm/hw_irq.h). */
  public static final Object VECTOR_SHUTDOWN = new Object() {
    @Override
    public String toString() {
      return "VECTOR_SHUTDOWN";
    }
  };

  public static final Object VECTOR_RETRIGGERED = new Object() {
    @Override
    public String toString() {
      return "VECTOR_RETRIGGERED";
    }
  };

  private final Kernel k;
  private final VectorMatrix matrix;
  private final IrqDomain domain;
  private final RawSpinLock vectorLock;
  private final Object[][] vectorIrq;
  private final List<List<ApicChipData>> cleanupLists = new ArrayList<>();
  private final Event[] cleanupTimers;
  private final LapicController chip = new LapicController();
  /** The once-only warnings of vector.c (WARN_ON_ONCE, pr_warn_once) have fired. */
  private boolean warnedInactive;
  private boolean warnedMovedPending;

  public VectorDomain(Kernel k, VectorMatrix matrix) {
    this.k = k;
    this.matrix = matrix;
    this.vectorLock = new RawSpinLock(k.exec(), "vector_lock");
    this.vectorIrq = new Object[k.nrCpus()][VectorMatrix.NR_VECTORS];
    this.cleanupTimers = new Event[k.nrCpus()];
    for (int c = 0; c < k.nrCpus(); c++) {
      cleanupLists.add(new ArrayList<>());
      final int cpu = c;
      cleanupTimers[c] = new Event(k.cpuActor(c)) {
        @Override
        public void run() {
          vectorCleanupCallback(cpu);
        }
      };
    }
    this.domain = k.domains().create("VECTOR", null, this,
        IrqDomain.FLAG_NAME_ALLOCATED | IrqDomain.FLAG_MSI_PARENT, BusToken.ANY, this);
  }

  public IrqDomain domain() {
    return domain;
  }

  public VectorMatrix matrix() {
    return matrix;
  }

  /** lock_vector_lock() for arch code outside vector.c (msi_set_affinity). */
  RawSpinLock vectorLock() {
    return vectorLock;
  }

  public IrqChip chip() {
    return chip;
  }

  /** What CPU {@code cpu}'s vector {@code vector} is bound to: a descriptor, a sentinel, or null (VECTOR_UNUSED). */
  public Object vectorIrq(int cpu, int vector) {
    return vectorIrq[cpu][vector];
  }

  void setVectorIrq(int cpu, int vector, Object v) {
    vectorIrq[cpu][vector] = v;
  }

  /** The apic_chip_data at the bottom of {@code d}'s hierarchy, or null. */
  public static ApicChipData apicChipData(IrqData d) {
    Object cd = d == null ? null : d.root().chipData();
    return cd instanceof ApicChipData a ? a : null;
  }

  /** apic->calc_dest_apicid for {@code cpu}. */
  private int apicId(int cpu) {
    return k.apicDriver().calcDestApicId(k.cpu(cpu).apic());
  }

  // ---- locking helpers: raw_spin_lock_irqsave(&vector_lock) ----

  private boolean lockIrqSave() {
    boolean f = k.localIrqSave();
    vectorLock.lock();
    return f;
  }

  private void unlockIrqRestore(boolean f) {
    vectorLock.unlock();
    k.localIrqRestore(f);
  }

  // ---- configuration updates ----

  private void updateIrqCfg(IrqData irqd, int vector, int cpu) {
    ApicChipData a = apicChipData(irqd);
    a.cfgVector = (short) vector;
    a.setCfgDestApicId(apicId(cpu));
    irqd.desc().setEffectiveAffinity(k.cpumaskOf(cpu));
  }

  private void updateVector(IrqData irqd, int newVec, int newCpu) {
    ApicChipData a = apicChipData(irqd);
    boolean managed = irqd.is(IrqdState.AFFINITY_MANAGED);
    a.prevVector = 0;
    if (a.vector != 0 && a.vector != VectorMatrix.MANAGED_IRQ_SHUTDOWN_VECTOR) {
      if (k.cpuOnline(a.cpu)) {
        a.setMoveInProgress(true);
        a.prevVector = a.vector;
        a.prevCpu = a.cpu;
      } else {
        matrix.free(a.cpu, a.vector, managed);
      }
    }
    a.vector = (short) newVec;
    a.cpu = (short) newCpu;
    Object old = vectorIrq[newCpu][newVec];
    if (old instanceof IrqDesc) {
      k.observers().forEach(o -> o.inconsistency("vector-accounting",
          "vector " + newVec + " on CPU " + newCpu + " handed out twice"));
    }
    vectorIrq[newCpu][newVec] = irqd.desc();
  }

  private void assignManagedShutdown(IrqData irqd) {
    updateIrqCfg(irqd, VectorMatrix.MANAGED_IRQ_SHUTDOWN_VECTOR, k.onlineMask().firstCpu());
  }

  private void reserveIrqVectorLocked(IrqData irqd) {
    ApicChipData a = apicChipData(irqd);
    matrix.reserve();
    a.setCanReserve(true);
    a.setHasReserved(true);
    irqd.set(IrqdState.CAN_RESERVE);
    assignManagedShutdown(irqd);
  }

  /** assign_vector_locked: keeps a current target that is still fine; EBUSY while a move is unfinished. */
  private void assignVectorLocked(IrqData irqd, CpuMask dest) {
    ApicChipData a = apicChipData(irqd);
    if (a.vector != 0 && k.cpuOnline(a.cpu) && dest.contains(a.cpu)) {
      return;
    }
    if (a.moveInProgress() || a.cleanupPending()) {
      throw new KernelException(Errno.EBUSY, "irq " + a.irq + ": vector move or cleanup pending");
    }
    VectorMatrix.Allocation al = matrix.alloc(dest, a.hasReserved());
    updateVector(irqd, al.vector(), al.cpu());
    updateIrqCfg(irqd, al.vector(), al.cpu());
  }

  /**
   * assign_irq_vector_any_locked: the affinity's online CPUs, else any online CPU; any error of
   * the first try (EBUSY included) falls through to the second. One NUMA node: the node-mask tries
   * give the same answers.
   */
  private void assignIrqVectorAnyLocked(IrqData irqd) {
    CpuMask aff = irqd.desc().affinity();
    CpuMask search = aff.and(k.onlineMask());
    try {
      assignVectorLocked(irqd, search);
      return;
    } catch (KernelException e) {
      // try the full online mask
    }
    assignVectorLocked(irqd, k.onlineMask());
  }

  private void assignManagedVector(IrqData irqd, CpuMask dest) {
    ApicChipData a = apicChipData(irqd);
    CpuMask search = dest.and(irqd.desc().affinity());
    if (a.vector != 0 && search.contains(a.cpu)) {
      return;
    }
    VectorMatrix.Allocation al = matrix.allocManaged(search);
    updateVector(irqd, al.vector(), al.cpu());
    updateIrqCfg(irqd, al.vector(), al.cpu());
  }

  private void clearIrqVector(IrqData irqd) {
    ApicChipData a = apicChipData(irqd);
    boolean managed = irqd.is(IrqdState.AFFINITY_MANAGED);
    if (a.vector == 0) {
      return;
    }
    vectorIrq[a.cpu][a.vector] = VECTOR_SHUTDOWN;
    matrix.free(a.cpu, a.vector, managed);
    a.vector = 0;
    if (a.prevVector == 0) {
      return;
    }
    vectorIrq[a.prevCpu][a.prevVector] = VECTOR_SHUTDOWN;
    matrix.free(a.prevCpu, a.prevVector, managed);
    a.prevVector = 0;
    a.setMoveInProgress(false);
    if (a.cleanupPending()) {
      cleanupLists.get(a.prevCpu).remove(a);
      a.setCleanupPending(false);
    }
  }

  // ---- domain ops ----

  @Override
  public void alloc(IrqDomain d, int virq, int nrIrqs, Object arg) {
    X86AllocInfo info = arg instanceof X86AllocInfo i ? i : X86AllocInfo.MSI;
    int done = 0;
    try {
      for (; done < nrIrqs; done++) {
        IrqDesc desc = k.descs().get(virq + done);
        IrqData irqd = desc.data().levelIn(domain);
        ApicChipData a = new ApicChipData(virq + done);
        irqd.set(virq + done, chip, a);
        // Single target, hard-irq context only, and no affinity setter while deactivated (vector.c).
        irqd.set(IrqdState.SINGLE_TARGET | IrqdState.HANDLE_ENFORCE_IRQCTX | IrqdState.AFFINITY_ON_ACTIVATE);
        if ((info.flags() & X86AllocInfo.ALLOC_LEGACY) != 0 && configureLegacy(irqd, virq + done)) {
          continue;
        }
        assignPolicy(irqd, info);
      }
    } catch (RuntimeException e) {
      free(d, virq, done + 1);
      throw e;
    }
  }

  /**
   * vector_configure_legacy: an ISA irq the IO-APIC takes over sits on its ISA vector on CPU 0.
   * The timer (irq 0), active since early boot, stays there; the others give it back and are
   * reserved like any new interrupt. Returns true when the vector was kept.
   */
  private boolean configureLegacy(IrqData irqd, int virq) {
    ApicChipData a = apicChipData(irqd);
    int vector = VectorMatrix.ISA_IRQ_VECTOR_BASE + virq;
    boolean f = lockIrqSave();
    try {
      a.vector = (short) vector;
      a.cpu = 0;
      if (virq == 0) {
        vectorIrq[0][vector] = irqd.desc();
        updateIrqCfg(irqd, vector, 0);
        irqd.set(IrqdState.ACTIVATED);
        return true;
      }
      a.setCanReserve(true);
      irqd.set(IrqdState.CAN_RESERVE);
      clearIrqVector(irqd);
      return false;
    } finally {
      unlockIrqRestore(f);
    }
  }

  private void assignPolicy(IrqData irqd, X86AllocInfo info) {
    ApicChipData a = apicChipData(irqd);
    boolean f = lockIrqSave();
    try {
      if (irqd.is(IrqdState.AFFINITY_MANAGED)) {
        a.setManaged(true);
        matrix.reserveManaged(irqd.desc().affinity());
      } else if (info.mask() != null) {
        assignVectorLocked(irqd, info.mask().and(k.onlineMask()));
      } else {
        reserveIrqVectorLocked(irqd);
      }
    } finally {
      unlockIrqRestore(f);
    }
  }

  @Override
  public void free(IrqDomain d, int virq, int nrIrqs) {
    for (int i = 0; i < nrIrqs; i++) {
      IrqDesc desc = k.descs().get(virq + i);
      IrqData irqd = desc == null ? null : desc.data().levelIn(domain);
      if (irqd == null || !(irqd.chipData() instanceof ApicChipData a)) {
        continue;
      }
      boolean f = lockIrqSave();
      try {
        clearIrqVector(irqd);
        if (a.hasReserved()) {
          matrix.removeReserved();
        }
        if (a.isManaged()) {
          matrix.removeManaged(desc.affinity());
        }
        irqd.reset();
      } finally {
        unlockIrqRestore(f);
      }
    }
  }

  /**
   * x86_vector_activate. A line that neither reserves nor is managed (a non-maskable MSI after its
   * first activation) gets assign_irq_vector_any_locked, which keeps a vector whose CPU is online
   * and in the affinity mask and otherwise moves it there: an affinity written while the line was
   * deactivated takes effect here. Its result is ignored, as in vector.c.
   */
  @Override
  public void activate(IrqDomain d, IrqData irqd, boolean reserve) {
    ApicChipData a = apicChipData(irqd);
    boolean f = lockIrqSave();
    try {
      if (!a.canReserve() && !a.isManaged()) {
        try {
          assignIrqVectorAnyLocked(irqd);
        } catch (KernelException e) {
          // x86_vector_activate drops the error of this branch
        }
      } else if (reserve || irqd.is(IrqdState.MANAGED_SHUTDOWN)) {
        assignManagedShutdown(irqd);
      } else if (a.isManaged()) {
        CpuMask search = irqd.desc().affinity().and(k.onlineMask());
        if (search.isEmpty()) {
          k.log().err("Managed startup for irq " + a.irq + ", but no CPU");
          throw new KernelException(Errno.EINVAL, "managed irq " + a.irq + " has no online CPU in its mask");
        }
        assignManagedVector(irqd, search);
      } else if (a.hasReserved()) {
        assignIrqVectorAnyLocked(irqd);
        a.setHasReserved(false);
        if (!irqd.is(IrqdState.CAN_RESERVE)) {
          a.setCanReserve(false);
        }
        if (!irqd.desc().effectiveAffinity().isSubsetOf(irqd.desc().affinity())) {
          k.log().warn("irq " + a.irq + ": Affinity broken due to vector space exhaustion.");
        }
      }
    } finally {
      unlockIrqRestore(f);
    }
  }

  @Override
  public void deactivate(IrqDomain d, IrqData irqd) {
    ApicChipData a = apicChipData(irqd);
    if (!a.isManaged() && !a.canReserve()) {
      return;
    }
    if (a.hasReserved()) {
      return;
    }
    boolean f = lockIrqSave();
    try {
      clearIrqVector(irqd);
      if (a.canReserve()) {
        reserveIrqVectorLocked(irqd);
      } else {
        assignManagedShutdown(irqd);
      }
    } finally {
      unlockIrqRestore(f);
    }
  }

  // ---- the chip ----

  /**
   * apic_set_affinity: WARN_ON_ONCE and EIO for a line that is not activated (the core keeps the
   * mask of such lines itself, irq_set_affinity_deactivated, since f0c7baca1800); otherwise a new
   * vector on the online part of {@code dest}.
   */
  int apicSetAffinity(IrqData irqd, CpuMask dest) {
    if (!irqd.is(IrqdState.ACTIVATED)) {
      if (!warnedInactive) {
        warnedInactive = true;
        k.log().warnOn("WARNING: apic_set_affinity: irq " + irqd.irq() + " is not activated");
      }
      throw new KernelException(Errno.EIO, "irq " + irqd.irq() + ": affinity of a line that is not activated");
    }
    vectorLock.lock();
    try {
      CpuMask search = dest.and(k.onlineMask());
      if (irqd.is(IrqdState.AFFINITY_MANAGED)) {
        assignManagedVector(irqd, search);
      } else {
        assignVectorLocked(irqd, search);
      }
    } finally {
      vectorLock.unlock();
    }
    return IrqChip.SET_MASK_OK;
  }

  /**
   * irq_complete_move: the first interrupt on the new CPU schedules the old vector's cleanup. 6.12
   * compares the CPU only: an interrupt never moves between vectors of one CPU.
   */
  void completeMove(IrqData irqd, int cpu) {
    ApicChipData a = apicChipData(irqd);
    if (!a.moveInProgress()) {
      return;
    }
    if (a.cpu == cpu) {
      scheduleCleanup(a);
    }
  }

  /**
   * vector_schedule_cleanup: for a remapping chip, which knows that no message can reach the old
   * vector once its table entry is rewritten, the cleanup need not wait for an interrupt.
   */
  public void vectorScheduleCleanup(IrqData irqd) {
    ApicChipData a = apicChipData(irqd);
    if (a != null && a.moveInProgress()) {
      scheduleCleanup(a);
    }
  }

  /** __vector_schedule_cleanup: queue on the old CPU and arm its timer for the next tick. */
  private void scheduleCleanup(ApicChipData a) {
    int cpu = a.prevCpu;
    vectorLock.lock();
    try {
      a.setMoveInProgress(false);
      if (k.cpuOnline(cpu)) {
        cleanupLists.get(cpu).add(a);
        a.setCleanupPending(true);
        Event t = cleanupTimers[cpu];
        if (!t.isQueued()) {
          k.exec().schedule(t, nextTick());
        }
      } else if (k.variants().on(Variants.LEAK_VECTOR_ON_OFFLINE)) {
        // Before the CVE-2024-31076 fix: the old vector is forgotten, never freed.
        a.prevVector = 0;
      } else {
        k.log().warn("IRQ " + a.irq + " schedule cleanup for offline CPU " + cpu);
        freeMovedVector(a);
      }
    } finally {
      vectorLock.unlock();
    }
  }

  private long nextTick() {
    long now = k.exec().now();
    return (now / Kernel.JIFFY_NS + 1) * Kernel.JIFFY_NS;
  }

  /** free_moved_vector: the old vector of a move goes back to the matrix on its old CPU. */
  void freeMovedVector(ApicChipData a) {
    matrix.free(a.prevCpu, a.prevVector, a.isManaged());
    vectorIrq[a.prevCpu][a.prevVector] = null;
    if (a.cleanupPending()) {
      cleanupLists.get(a.prevCpu).remove(a);
      a.setCleanupPending(false);
    }
    a.prevVector = 0;
    a.setMoveInProgress(false);
  }

  /** vector_cleanup_callback: frees each queued old vector unless it is still pending in this APIC's IRR. */
  private void vectorCleanupCallback(int cpu) {
    // The timer runs off the local timer interrupt, which a CPU with interrupts off (a task in an
    // irq-off section on it, such as the control CPU spinning in stop_machine) takes only once
    // they are on again; a CPU that went offline meanwhile had its list flushed by lapic_offline.
    if (!k.cpu(cpu).interruptsEnabled()) {
      k.exec().waitUntil("timer tick with interrupts on",
          () -> k.cpu(cpu).interruptsEnabled() || !k.cpu(cpu).online());
      if (!k.cpu(cpu).online()) {
        return;
      }
    }
    boolean f = lockIrqSave();
    try {
      boolean rearm = false;
      for (ApicChipData a : List.copyOf(cleanupLists.get(cpu))) {
        if (k.interruptEntry().apicIrrPending(cpu, a.prevVector)) {
          if (!warnedMovedPending) { // pr_warn_once
            warnedMovedPending = true;
            k.log().warn("Moved interrupt pending in old target APIC " + a.irq);
          }
          rearm = true;
          continue;
        }
        freeMovedVector(a);
      }
      if (rearm) {
        k.exec().schedule(cleanupTimers[cpu], nextTick());
      }
    } finally {
      unlockIrqRestore(f);
    }
  }

  /** Vectors awaiting cleanup on {@code cpu}, for views. */
  public int cleanupQueued(int cpu) {
    return cleanupLists.get(cpu).size();
  }

  /**
   * lapic_offline's __vector_cleanup(cl, false) and timer deletion, vector_lock held: every old
   * vector queued on the dying CPU is freed without looking at its IRR, which fixup_irqs just did.
   */
  void flushCleanupLocked(int cpu) {
    for (ApicChipData a : List.copyOf(cleanupLists.get(cpu))) {
      freeMovedVector(a);
    }
    k.exec().cancel(cleanupTimers[cpu]);
  }

  /** Every CPU's vector_irq row of {@code cpu} back to VECTOR_UNUSED (lapic_online, no legacy PIC irqs). */
  void clearVectorIrqs(int cpu) {
    java.util.Arrays.fill(vectorIrq[cpu], null);
  }

  /** apic_retrigger_irq: an IPI of the line's vector to its current target. */
  boolean retrigger(IrqData irqd) {
    ApicChipData a = apicChipData(irqd);
    boolean f = lockIrqSave();
    try {
      sendIpi(a.cpu, a.vector);
    } finally {
      unlockIrqRestore(f);
    }
    return true;
  }

  /** __apic_send_IPI: the ICR write that latches {@code vector} in the target's IRR. */
  void sendIpi(int cpu, int vector) {
    k.exec().point("apic ICR write", k.cpu(cpu).apic().resource(), 0, irqlab.exec.Access.WRITE);
    k.exec().traceValue(vector);
    k.cpu(cpu).apic().accept(vector);
    for (irqlab.kernel.KernelObserver o : k.observers()) {
      o.vectorRaised(cpu, vector);
    }
    k.exec().interruptRaised(cpu);
  }

  /** __irq_msi_compose_msg in compatibility format. */
  MsiMsg composeMsiMsg(IrqData irqd) {
    ApicChipData a = apicChipData(irqd);
    return new MsiMsg(MsiMessage.addressLo(a.cfgDestApicId), 0, MsiMessage.data(a.cfgVector));
  }

  /** The "APIC" chip of the VECTOR domain (lapic_controller). */
  private final class LapicController extends IrqChip {
    private final Set<Op> ops = EnumSet.of(Op.ACK, Op.SET_AFFINITY, Op.RETRIGGER, Op.COMPOSE_MSI_MSG);

    LapicController() {
      super("APIC", 0);
    }

    @Override
    public boolean has(Op op) {
      return ops.contains(op);
    }

    /** apic_ack_edge: complete a move, carry out a pending one, then EOI. */
    @Override
    public void ack(IrqData d) {
      int cpu = k.smpProcessorId();
      completeMove(d, cpu);
      k.migration().irqMoveIrq(d);
      k.interruptEntry().apicEoi(cpu);
    }

    @Override
    public int setAffinity(IrqData d, CpuMask dest, boolean force) {
      return apicSetAffinity(d, dest);
    }

    @Override
    public boolean retrigger(IrqData d) {
      return VectorDomain.this.retrigger(d);
    }

    @Override
    public MsiMsg composeMsiMsg(IrqData d) {
      return VectorDomain.this.composeMsiMsg(d);
    }
  }
}
