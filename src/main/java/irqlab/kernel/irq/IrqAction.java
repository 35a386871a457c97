package irqlab.kernel.irq;

/** struct irqaction: one requested handler on an interrupt line; shared lines chain them. */
public final class IrqAction {
  private final IrqHandler handler;
  private final String name;
  private final Object devId;
  private final int flags;
  private IrqAction next;

  public IrqAction(IrqHandler handler, int flags, String name, Object devId) {
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

  /** The next action on a shared line (action->next), or null. */
  public IrqAction next() {
    return next;
  }

  void setNext(IrqAction next) {
    this.next = next;
  }
}
