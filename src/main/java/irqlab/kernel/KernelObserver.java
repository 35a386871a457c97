package irqlab.kernel;

import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.irq.IrqReturn;

/**
 * What the kernel model reports as it runs, for the oracle and traces to watch. The kernel calls
 * these; it never depends on what they do.
 */
public interface KernelObserver {
  /** A vector arrived on a CPU with nothing installed (common_interrupt's complaint). */
  default void noIrqHandler(int cpu, int vector) {}

  /** A flow handler ran a line's actions on {@code cpu}; {@code ret} is the combined result. */
  default void handled(IrqDesc desc, int cpu, IrqReturn ret) {}

  /**
   * handle_untracked_irq ran a demultiplexed line's actions on {@code cpu} (a VMD child): no kstat
   * count and no note_interrupt, so views leave it out of the counts; {@code ret} is the result.
   */
  default void handledUntracked(IrqDesc desc, int cpu, IrqReturn ret) {}

  /** note_interrupt disabled a line that kept firing with nobody claiming it ("nobody cared"). */
  default void spuriousDisabled(IrqDesc desc) {}

  /** A descriptor marked freed was used: a use-after-free. */
  default void useAfterFree(String what, int irq) {}

  /**
   * Lockdep saw two lock classes taken in both orders ("possible circular locking dependency"):
   * {@code detail} names both acquisitions.
   */
  default void lockInversion(String detail) {}

  /** A sleeping operation was attempted in atomic context. */
  default void sleepingInAtomic(String what, String actor) {}

  /** An invariant of the kernel's own bookkeeping broke. */
  default void inconsistency(String kind, String what) {}

  default void printk(KernelLog.Line line) {}

  /** The kernel raised {@code vector} on {@code cpu} by IPI (a retrigger or a resend). */
  default void vectorRaised(int cpu, int vector) {}

  /** irq_free_descs is about to free {@code desc}: its counts are still there. */
  default void descFreed(IrqDesc desc) {}
}
