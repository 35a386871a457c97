package irqlab.kernel.irq;

/** struct irqaction: one requested handler on an interrupt line; shared lines chain them. */
public final class IrqAction {
  /** IRQF_* (include/linux/interrupt.h). */
  public static final int IRQF_TRIGGER_MASK = 0xf;
  public static final int IRQF_SHARED = 0x80;
  public static final int IRQF_NOBALANCING = 0x800;
  public static final int IRQF_IRQPOLL = 0x1000;
  /** IRQF_TIMER: __IRQF_TIMER | IRQF_NO_SUSPEND | IRQF_NO_THREAD. */
  public static final int IRQF_TIMER = 0x200 | 0x4000 | 0x10000;
  public static final int IRQF_ONESHOT = 0x2000;
  public static final int IRQF_NO_THREAD = 0x10000;

  private final IrqHandler handler;
  private final String name;
  private final Object devId;
  private final int flags;
  /** The line the action is installed on (irqaction.irq). */
  private final int irq;
  private IrqAction next;
  /**
   * Where the driver that requested the action keeps it in its own bookkeeping, or -1: as a
   * driver stores each queue's irq beside the queue, so that free_irq needs no search.
   */
  private int ownerSlot = -1;

  public IrqAction(int irq, IrqHandler handler, int flags, String name, Object devId) {
    this.irq = irq;
    this.handler = handler;
    this.flags = flags;
    this.name = name;
    this.devId = devId;
  }

  public IrqHandler handler() {
    return handler;
  }

  public String name() {
    return name;
  }

  public Object devId() {
    return devId;
  }

  public int flags() {
    return flags;
  }

  public int irq() {
    return irq;
  }

  /** The next action on a shared line (action->next), or null. */
  public IrqAction next() {
    return next;
  }

  /** The requesting driver's slot for this action (see {@link #setOwnerSlot}), or -1. */
  public int ownerSlot() {
    return ownerSlot;
  }

  /** Set by the requesting driver's bookkeeping only; it checks the slot before trusting it. */
  public void setOwnerSlot(int slot) {
    this.ownerSlot = slot;
  }

  void setNext(IrqAction next) {
    this.next = next;
  }
}
