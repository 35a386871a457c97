package irqlab.kernel.irq;

/** The IRQS_* bits of desc->istate, with the values of kernel/irq/internals.h. */
public final class IrqsState {
  public static final int AUTODETECT = 0x1;
  public static final int SPURIOUS_DISABLED = 0x2;
  public static final int POLL_INPROGRESS = 0x8;
  public static final int ONESHOT = 0x20;
  public static final int REPLAY = 0x40;
  public static final int WAITING = 0x80;
  public static final int PENDING = 0x200;
  public static final int SUSPENDED = 0x800;
  public static final int TIMINGS = 0x1000;
  public static final int NMI = 0x2000;
  public static final int SYSFS = 0x4000;

  private IrqsState() {}
}
