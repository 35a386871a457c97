package irqlab.sim;

import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.irq.IrqReturn;
import java.util.Arrays;

/**
 * The oracle's storm rule: a line whose handler ran more than {@link #LIMIT} times in a row with
 * no action claiming the interrupt, and that the kernel did not disable meanwhile, is a storm
 * nothing contained. The kernel's own rule (note_interrupt) disables a steadily stuck line after
 * 100,000 counted interrupts, at most 199,900 unhandled in a row when its window started
 * unluckily, so the limit only trips when that rule is missing or evaded.
 */
final class StormWatch {
  static final int LIMIT = 200_000;

  /** Unhandled handler runs in a row, by irq number. */
  private int[] run = new int[64];

  /** Counts one handler run; true exactly when the line goes past the limit. */
  boolean handled(IrqDesc desc, IrqReturn ret) {
    int irq = desc.irq();
    if (ret != IrqReturn.NONE) {
      // The common case: a claimed interrupt on a line with no streak costs a load, no store.
      if (irq < run.length && run[irq] != 0) {
        run[irq] = 0;
      }
      return false;
    }
    if (irq >= run.length) {
      run = Arrays.copyOf(run, Math.max(irq + 1, run.length * 2));
    }
    return ++run[irq] == LIMIT + 1;
  }

  /** The kernel disabled the line: whatever follows a re-enable is a new run. */
  void contained(IrqDesc desc) {
    if (desc.irq() < run.length) {
      run[desc.irq()] = 0;
    }
  }

  int unhandledInARow(int irq) {
    return irq < run.length ? run[irq] : 0;
  }
}
