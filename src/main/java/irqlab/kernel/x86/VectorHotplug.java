package irqlab.kernel.x86;

import irqlab.kernel.Errno;
import irqlab.kernel.Kernel;
import irqlab.kernel.KernelException;
import irqlab.kernel.Variants;
import irqlab.kernel.irq.CpuHotplug;
import irqlab.kernel.irq.IrqChip;
import irqlab.kernel.irq.IrqData;
import irqlab.kernel.irq.IrqDesc;

/**
 * The vector side of x86 CPU hotplug (arch/x86/kernel/apic/vector.c, irq.c): whether the other
 * CPUs can take a dying CPU's vectors, completing unfinished moves, re-raising what is still
 * pending in the dying CPU's IRR on the new targets, and the CPU's vector space going down and up.
 */
final class VectorHotplug implements CpuHotplug.Arch {
  private final Kernel k;
  private final VectorDomain vd;
  private final VectorMatrix matrix;

  VectorHotplug(Kernel k, VectorDomain vd) {
    this.k = k;
    this.vd = vd;
    this.matrix = vd.matrix();
  }

  /**
   * lapic_can_unplug_cpu, on the dying CPU: its unmanaged vectors must fit in what the other
   * online CPUs have available (managed ones are shut down instead). A rough check, as the
   * kernel says, but enough to refuse before anything is torn down.
   */
  void canUnplugCpu(int cpu) {
    vd.vectorLock().lock();
    try {
      UnplugCheck c = UnplugCheck.of(matrix, cpu);
      if (!c.fits()) {
        k.log().warn("CPU " + cpu + " has " + Integer.toUnsignedString(c.toMove()) + " vectors, "
            + Integer.toUnsignedString(c.available()) + " available. Cannot disable CPU");
        throw new KernelException(Errno.ENOSPC, "CPU " + cpu + " has more vectors than the others can take");
      }
      if (!c.reservedFit()) {
        k.log().warn("Reserved vectors " + Integer.toUnsignedString(c.reserved()) + " > available "
            + Integer.toUnsignedString(c.available()) + ". IRQ request may fail");
      }
    } finally {
      vd.vectorLock().unlock();
    }
  }

  /**
   * irq_force_complete_move: an interrupt now or previously on the dying CPU that still has an
   * old vector gets it freed at once; no interrupt will arrive to complete the move normally.
   * The leak variant keeps the old test (any old vector), which only matters because the core
   * then calls this for interrupts still affine to the dying CPU only.
   */
  @Override
  public void forceCompleteMove(IrqDesc desc, int cpu) {
    IrqData irqd = desc.data().levelIn(vd.domain());
    if (irqd == null) {
      return;
    }
    vd.vectorLock().lock();
    try {
      ApicChipData a = irqd.chipData() instanceof ApicChipData x ? x : null;
      if (a == null) {
        return;
      }
      int vector = a.prevVector;
      boolean leak = k.variants().on(Variants.LEAK_VECTOR_ON_OFFLINE);
      if (vector == 0 || (!leak && a.cpu != cpu && a.prevCpu != cpu)) {
        return;
      }
      if (a.moveInProgress()) {
        k.log().warn("IRQ fixup: irq " + a.irq + " move in progress, old vector " + vector);
      }
      vd.freeMovedVector(a);
    } finally {
      vd.vectorLock().unlock();
    }
  }

  /**
   * The second half of fixup_irqs (irq.c): a vector still pending in the dying CPU's IRR arrived
   * before its interrupt moved; it is re-raised on the interrupt's new target. Every other entry
   * of the dying CPU's vector_irq that names a descriptor is cleared. The kernel first waits 1 ms
   * for messages in flight; irqlab's messages land at once.
   */
  void retriggerPending(int cpu) {
    for (int v = VectorMatrix.FIRST_EXTERNAL_VECTOR; v < VectorMatrix.NR_VECTORS; v++) {
      if (!(vd.vectorIrq(cpu, v) instanceof IrqDesc desc)) {
        continue;
      }
      if (k.interruptEntry().apicIrrPending(cpu, v)) {
        desc.lock().lock();
        try {
          IrqData data = desc.data();
          IrqChip chip = data.chip();
          if (chip != null && chip.has(IrqChip.Op.RETRIGGER)) {
            chip.retrigger(data);
            vd.setVectorIrq(cpu, v, VectorDomain.VECTOR_RETRIGGERED);
          }
        } finally {
          desc.lock().unlock();
        }
      }
      if (vd.vectorIrq(cpu, v) != VectorDomain.VECTOR_RETRIGGERED) {
        vd.setVectorIrq(cpu, v, null);
      }
    }
  }

  /** lapic_offline: flush the dying CPU's cleanup list, then take its matrix offline. */
  void lapicOffline(int cpu) {
    vd.vectorLock().lock();
    try {
      vd.flushCleanupLocked(cpu);
      matrix.offline(cpu);
    } finally {
      vd.vectorLock().unlock();
    }
  }

  /**
   * lapic_online, vector_lock held: the matrix comes back with the CPU's old budget, and its
   * vector_irq table starts empty; nothing targets an offline CPU, so nothing is left to keep.
   */
  void lapicOnlineLocked(int cpu) {
    matrix.online(cpu);
    vd.clearVectorIrqs(cpu);
  }
}
