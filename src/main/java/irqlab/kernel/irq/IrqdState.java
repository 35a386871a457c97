package irqlab.kernel.irq;

/**
 * The IRQD_* state bits of struct irq_common_data, with Linux's values (include/linux/irq.h) so
 * that the debugfs {@code dstate} word reads the same as a real kernel's.
 */
public final class IrqdState {
  public static final int TRIGGER_EDGE_RISING = 0x1;
  public static final int SETAFFINITY_PENDING = 1 << 8;
  public static final int ACTIVATED = 1 << 9;
  public static final int NO_BALANCING = 1 << 10;
  public static final int PER_CPU = 1 << 11;
  public static final int AFFINITY_SET = 1 << 12;
  public static final int LEVEL = 1 << 13;
  public static final int WAKEUP_STATE = 1 << 14;
  public static final int MOVE_PCNTXT = 1 << 15;
  public static final int IRQ_DISABLED = 1 << 16;
  public static final int IRQ_MASKED = 1 << 17;
  public static final int IRQ_INPROGRESS = 1 << 18;
  public static final int WAKEUP_ARMED = 1 << 19;
  public static final int FORWARDED_TO_VCPU = 1 << 20;
  public static final int AFFINITY_MANAGED = 1 << 21;
  public static final int IRQ_STARTED = 1 << 22;
  public static final int MANAGED_SHUTDOWN = 1 << 23;
  public static final int SINGLE_TARGET = 1 << 24;
  public static final int DEFAULT_TRIGGER_SET = 1 << 25;
  public static final int CAN_RESERVE = 1 << 26;
  public static final int HANDLE_ENFORCE_IRQCTX = 1 << 27;
  public static final int AFFINITY_ON_ACTIVATE = 1 << 28;
  public static final int IRQ_ENABLED_ON_SUSPEND = 1 << 29;
  public static final int RESEND_WHEN_IN_PROGRESS = 1 << 30;

  private IrqdState() {}
}
