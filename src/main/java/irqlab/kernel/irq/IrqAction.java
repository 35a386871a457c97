package irqlab.kernel.irq;

/** struct irqaction: one requested handler on an interrupt line; shared lines chain them. */
public final class IrqAction {
  /** IRQF_* (include/linux/interrupt.h). */
  public static final int IRQF_TRIGGER_MASK = 0xf;
  public static final int IRQF_SHARED = 0x80;
  public static final int IRQF_NOBALANCING = 0x800;
  public static final int IRQF_IRQPOLL = 0x1000;
  /** __IRQF_TIMER alone, the bit try_one_irq tests. */
  public static final int IRQF_TIMER_BIT = 0x200;
  /** IRQF_TIMER: __IRQF_TIMER | IRQF_NO_SUSPEND | IRQF_NO_THREAD. */
  public static final int IRQF_TIMER = IRQF_TIMER_BIT | 0x4000 | 0x10000;
  public static final int IRQF_ONESHOT = 0x2000;
  public static final int IRQF_NO_THREAD = 0x10000;

  private final IrqHandler handler;
  /** The name, or its prefix when {@link #nameNumber} is not negative. */
  private final String name;
  /**
   * A number that ends the name ("nic0-TxRx-" and 3: "nic0-TxRx-3"), or -1: a driver names its
   * queues' actions after a prefix it keeps once, as Linux drivers keep each queue's name in the
   * queue's own struct, instead of a string per action.
   */
  private final int nameNumber;
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
    this(irq, handler, flags, name, -1, devId);
  }

  /** An action named {@code namePrefix} followed by {@code nameNumber} (or by nothing when it is -1). */
  public IrqAction(int irq, IrqHandler handler, int flags, String namePrefix, int nameNumber, Object devId) {
    this.irq = irq;
    this.handler = handler;
    this.flags = flags;
    this.name = namePrefix;
    this.nameNumber = nameNumber;
    this.devId = devId;
  }

  public IrqHandler handler() {
    return handler;
  }

  public String name() {
    return nameNumber < 0 ? name : name + nameNumber;
  }

  /** The name without its number (the whole name when it has none). */
  public String namePrefix() {
    return name;
  }

  /** The number ending the name, or -1. */
  public int nameNumber() {
    return nameNumber;
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
