package irqlab.kernel.x86;

import irqlab.hw.MsiMessage;
import irqlab.kernel.Kernel;
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
 * chips without remapping. The parent picks the new vector; the message is then rewritten. For an
 * MSI that cannot mask, address and data change in separate writes the device may signal between,
 * so when both the vector and the CPU change the message takes a detour (commit 6f1a4891a592):
 * first the new vector on the old CPU, which is marked VECTOR_RETRIGGERED there so that a hit is
 * silently dropped, then the new CPU; a hit on the detour is still pending in this CPU's IRR
 * afterwards and is retriggered on the new target. At worst a spurious interrupt, never a lost one.
 * CPU offline takes the same path: fixup_irqs calls this from the stopper on the dying CPU, the
 * old target with interrupts off; the mark stays there until lapic_online clears it, and a message
 * that reached the old vector before the first write is re-raised by fixup_irqs' IRR scan
 * (VectorHotplug.retriggerPending), as tglx answered the 5.6-rc6 xhci-after-hotplug report.
 */
final class X86MsiAffinity {
  private final Kernel k;

  X86MsiAffinity(Kernel k) {
    this.k = k;
  }

  /**
   * The non-maskable quirk: a plain PCI MSI without per-vector masking. (6.5+ kernels ask
   * irqd_can_reserve() instead, as reservation mode is allowed exactly for maskable MSI; irqlab
   * keeps the commit's own rule, which is what that check stands for.)
   */
  static boolean nomaskQuirk(IrqData irqd) {
    return irqd.desc().msiDesc() instanceof MsiDesc m && !m.isMsix() && !m.canMask();
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
    if (!nomaskQuirk(irqd)
        || k.variants().on(Variants.MSI_DIRECT_UPDATE)
        || cfg.cfgVector == oldVector
        || oldVector == VectorMatrix.MANAGED_IRQ_SHUTDOWN_VECTOR
        || !irqd.is(IrqdState.IRQ_STARTED)
        || cfg.cfgDestApicId == oldDest) {
      updateMsg(irqd, cfg.cfgDestApicId, cfg.cfgVector);
      return ret;
    }
    // Only the old target, in the interrupt with interrupts off, can safely take the detour.
    if (cpu != k.smpProcessorId()) {
      k.log().warn("WARNING: msi_set_affinity: irq " + irqd.irq() + " moved from CPU " + k.smpProcessorId()
          + ", not from its target CPU " + cpu);
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
