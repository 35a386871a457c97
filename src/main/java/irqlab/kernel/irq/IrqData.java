package irqlab.kernel.irq;

import irqlab.kernel.domain.IrqDomain;

/**
 * struct irq_data: one level of an interrupt in the domain hierarchy. The outermost level lives
 * in the descriptor; each level points to its parent, down to the VECTOR domain.
 */
public final class IrqData {
  /** Creates the outermost level for a new descriptor. */
  @FunctionalInterface
  public interface Factory {
    IrqData create(IrqDesc desc);
  }

  private final IrqDesc desc;
  private final IrqDomain domain;
  private IrqData parent;
  private long hwirq;
  private IrqChip chip;
  private Object chipData;

  public IrqData(IrqDesc desc, IrqDomain domain) {
    this.desc = desc;
    this.domain = domain;
  }

  public IrqDesc desc() {
    return desc;
  }

  public int irq() {
    return desc.irq();
  }

  public IrqDomain domain() {
    return domain;
  }

  public IrqData parent() {
    return parent;
  }

  public void setParent(IrqData parent) {
    this.parent = parent;
  }

  public long hwirq() {
    return hwirq;
  }

  public void setHwirq(long hwirq) {
    this.hwirq = hwirq;
  }

  public IrqChip chip() {
    return chip;
  }

  public Object chipData() {
    return chipData;
  }

  /** irq_domain_set_hwirq_and_chip. */
  public void set(long hwirq, IrqChip chip, Object chipData) {
    this.hwirq = hwirq;
    this.chip = chip;
    this.chipData = chipData;
  }

  /** irq_domain_reset_irq_data. */
  public void reset() {
    this.hwirq = 0;
    this.chip = null;
    this.chipData = null;
  }

  // The state word lives in the common data shared by all levels (irq_common_data).
  public int state() {
    return desc.state();
  }

  public boolean is(int bits) {
    return (desc.state() & bits) != 0;
  }

  public void set(int bits) {
    desc.setState(bits);
  }

  public void clear(int bits) {
    desc.clearState(bits);
  }

  /** The level of this interrupt in {@code d}, walking down the parents (irq_domain_get_irq_data). */
  public IrqData levelIn(IrqDomain d) {
    for (IrqData x = this; x != null; x = x.parent) {
      if (x.domain == d) {
        return x;
      }
    }
    return null;
  }

  /** The bottom level (the VECTOR domain's data on x86). */
  public IrqData root() {
    IrqData x = this;
    while (x.parent != null) {
      x = x.parent;
    }
    return x;
  }
}
