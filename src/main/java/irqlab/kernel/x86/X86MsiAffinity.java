package irqlab.kernel.x86;

import irqlab.hw.MsiMessage;
import irqlab.kernel.Kernel;
import irqlab.kernel.KernelProfile;
import irqlab.kernel.Variants;
import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.irq.IrqChip;
import irqlab.kernel.irq.IrqData;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.irq.IrqdState;
import irqlab.kernel.msi.MsiDesc;
import irqlab.kernel.msi.MsiMsg;

/**
 * msi_set_affinity of arch/x86/kernel/apic/msi.c, the irq_set_affinity x86 gives per-device MSI
 * chips without remapping. The parent picks the new vector; the message is then rewritten, either
 * directly (address, then data: a device that cannot mask may signal between the writes and send
 * the new CPU the old vector) or through the detour of commit 6f1a4891a592: first the new vector
 * on the old CPU, which is marked VECTOR_RETRIGGERED there so that a hit is silently dropped, then
 * the new CPU; a hit on the detour is still pending in this CPU's IRR afterwards and is
 * retriggered on the new target. CPU offline takes the same path: fixup_irqs calls this from the
 * stopper on the dying CPU, the old target with interrupts off; the mark stays there until
 * lapic_online clears it, and a message that reached the old vector before the first write is
 * re-raised by fixup_irqs' IRR scan (VectorHotplug.retriggerPending).
 *
 * <p>Which lines take the detour depends on the kernel version, see {@link #detourCandidate}: in
 * 6.12.117 exactly those that can reserve, i.e. not the non-maskable MSI the detour was written
 * for (KERNEL-SEMANTICS.md, "Non-maskable MSI affinity").
 */
final class X86MsiAffinity {
  private final Kernel k;
  /** WARN_ON_ONCE(cpu != smp_processor_id()) has fired. */
  private boolean warnedNotOnTarget;

  X86MsiAffinity(Kernel k) {
    this.k = k;
  }

  /** A plain PCI MSI without per-vector masking: what the detour was written for. */
  static boolean nonMaskableMsi(IrqData irqd) {
    return irqd.desc().msiDesc() instanceof MsiDesc m && !m.isMsix() && !m.canMask();
  }

  /**
   * Whether a move of {@code irqd} may take the detour, before the conditions every version shares
   * (vector and CPU both change, the old vector is not the shutdown vector, the line is started).
   * 6.12 (b56ebe7c896d) tests irqd_can_reserve(): set for maskable unmanaged MSI and MSI-X, clear
   * for non-maskable MSI (msi_init_virq clears it) and for managed lines. The 6.6 profile's test
   * looks at a quirk bit nothing sets (ef8dd01538ea). The variants: msi-nomask-detour tests
   * non-maskable MSI, as 6f1a4891a592 and the b56ebe7c896d changelog intend; msi-direct-update
   * (before 6f1a4891a592) never detours and wins over the other.
   */
  private boolean detourCandidate(IrqData irqd) {
    if (k.variants().on(Variants.MSI_DIRECT_UPDATE)) {
      return false;
    }
    if (k.variants().on(Variants.MSI_NOMASK_DETOUR)) {
      return nonMaskableMsi(irqd);
    }
    if (k.profile().has(KernelProfile.Behaviour.MSI_DETOUR_DEAD)) {
      return false;
    }
    return irqd.is(IrqdState.CAN_RESERVE);
  }

  int setAffinity(IrqData irqd, CpuMask mask, boolean force) {
    ApicChipData cfg = VectorDomain.apicChipData(irqd);
    int cpu = irqd.desc().effectiveAffinity().firstCpu();
    int oldVector = cfg.cfgVector;
    int oldDest = cfg.cfgDestApicId;

    IrqData parent = irqd.parent();
    int ret = parent.chip().setAffinity(parent, mask, force);
    if (ret == IrqChip.SET_MASK_OK_DONE) {
      return ret;
    }
    if (!detourCandidate(irqd)
        || cfg.cfgVector == oldVector
        || oldVector == VectorMatrix.MANAGED_IRQ_SHUTDOWN_VECTOR
        || !irqd.is(IrqdState.IRQ_STARTED)
        || cfg.cfgDestApicId == oldDest) {
      updateMsg(irqd, cfg.cfgDestApicId, cfg.cfgVector);
      return ret;
    }
    // Only the old target, in the interrupt with interrupts off, can safely take the detour.
    if (cpu != k.smpProcessorId()) {
      if (!warnedNotOnTarget) { // WARN_ON_ONCE
        warnedNotOnTarget = true;
        k.log().warnOn("WARNING: msi_set_affinity: irq " + irqd.irq() + " moved from CPU " + k.smpProcessorId()
            + ", not from its target CPU " + cpu);
      }
      updateMsg(irqd, cfg.cfgDestApicId, cfg.cfgVector);
      return ret;
    }
    VectorDomain vd = k.vectorDomain();
    vd.vectorLock().lock();
    try {
      if (!(vd.vectorIrq(cpu, cfg.cfgVector) instanceof IrqDesc)) {
        vd.setVectorIrq(cpu, cfg.cfgVector, VectorDomain.VECTOR_RETRIGGERED);
      }
      updateMsg(irqd, oldDest, cfg.cfgVector);
      updateMsg(irqd, cfg.cfgDestApicId, cfg.cfgVector);
    } finally {
      // The retrigger takes vector_lock again.
      vd.vectorLock().unlock();
    }
    // lapic_vector_set_in_irr: did the device hit the detour?
    if (k.interruptEntry().apicIrrPending(cpu, cfg.cfgVector)) {
      irqd.chip().retrigger(irqd);
    }
    return ret;
  }

  /** irq_msi_update_msg: compose in compatibility format for {@code destApicId}/{@code vector} and write. */
  private static void updateMsg(IrqData irqd, int destApicId, int vector) {
    MsiMsg msg = new MsiMsg(MsiMessage.addressLo(destApicId), 0, MsiMessage.data(vector));
    irqd.chip().writeMsiMsg(irqd, msg);
  }
}
