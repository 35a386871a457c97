package irqlab.kernel.irq;

import irqlab.kernel.Errno;
import irqlab.kernel.Kernel;
import irqlab.kernel.KernelException;
import irqlab.kernel.cpu.CpuMask;

/** /proc/irq/N/smp_affinity_list writes (kernel/irq/proc.c write_irq_affinity). */
public final class ProcIrq {
  private ProcIrq() {}

  /**
   * An administrator's affinity write. A line never requested has no file (ENOENT); managed
   * interrupts refuse it with EPERM (the reference q35 dump shows "Operation not permitted"); a
   * mask without an online CPU is EINVAL.
   */
  public static void writeSmpAffinityList(Kernel k, int irq, CpuMask mask) {
    IrqDesc desc = k.descs().get(irq);
    // The directory comes with the first request_irq (register_irq_proc from __setup_irq): an
    // interrupt allocated and never requested (e1000e's before ndo_open) has no file to write.
    if (desc == null || !desc.hasProcDir()) {
      throw new KernelException(Errno.ENOENT, "/proc/irq/" + irq + " does not exist");
    }
    IrqData d = desc.data();
    boolean canSet = d.chip() != null && d.chip().has(IrqChip.Op.SET_AFFINITY)
        && !d.is(IrqdState.PER_CPU | IrqdState.NO_BALANCING);
    if (!canSet || d.is(IrqdState.AFFINITY_MANAGED)) {
      throw new KernelException(Errno.EPERM, "irq " + irq + ": affinity of a managed interrupt cannot be set from user space");
    }
    if (!mask.intersects(k.onlineMask())) {
      throw new KernelException(Errno.EINVAL, "irq " + irq + ": cpu list " + mask.toList() + " has no online CPU");
    }
    k.manage().irqSetAffinity(irq, mask, false);
  }
}
