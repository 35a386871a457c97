package irqlab.kernel.irq;

/** What a driver's handler returns (include/linux/irqreturn.h). */
public enum IrqReturn {
  NONE,
  HANDLED,
  WAKE_THREAD
}
