package irqlab.kernel.irq;

import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.msi.MsiMsg;

/**
 * struct irq_chip: the operations of one level of the hierarchy. A C chip leaves callbacks NULL;
 * here a chip says which it implements through {@link #has(Op)} so that callers can ask, as the
 * kernel's {@code if (chip->irq_mask)} does, instead of assuming.
 */
public abstract class IrqChip {
  /** Chip callbacks a caller may need to test for. */
  public enum Op {
    STARTUP,
    SHUTDOWN,
    ENABLE,
    DISABLE,
    ACK,
    MASK,
    UNMASK,
    EOI,
    SET_AFFINITY,
    RETRIGGER,
    COMPOSE_MSI_MSG,
    WRITE_MSI_MSG,
    BUS_LOCK,
    BUS_SYNC_UNLOCK
  }

  /** IRQCHIP_* flags (include/linux/irq.h). */
  public static final int FLAG_SET_TYPE_MASKED = 1;
  public static final int FLAG_EOI_IF_HANDLED = 1 << 1;
  public static final int FLAG_MASK_ON_SUSPEND = 1 << 2;
  public static final int FLAG_ONOFFLINE_ENABLED = 1 << 3;
  public static final int FLAG_SKIP_SET_WAKE = 1 << 4;
  public static final int FLAG_ONESHOT_SAFE = 1 << 5;
  public static final int FLAG_EOI_THREADED = 1 << 6;
  public static final int FLAG_AFFINITY_PRE_STARTUP = 1 << 10;

  /** irq_set_affinity return values (include/linux/irq.h). */
  public static final int SET_MASK_OK = 0;
  public static final int SET_MASK_OK_NOCOPY = 1;
  public static final int SET_MASK_OK_DONE = 2;

  private final String name;
  private final int flags;

  protected IrqChip(String name, int flags) {
    this.name = name;
    this.flags = flags;
  }

  public final String name() {
    return name;
  }

  public final int flags() {
    return flags;
  }

  public abstract boolean has(Op op);

  public void startup(IrqData d) {
    throw missing(Op.STARTUP);
  }

  public void shutdown(IrqData d) {
    throw missing(Op.SHUTDOWN);
  }

  public void enable(IrqData d) {
    throw missing(Op.ENABLE);
  }

  public void disable(IrqData d) {
    throw missing(Op.DISABLE);
  }

  public void ack(IrqData d) {
    throw missing(Op.ACK);
  }

  public void mask(IrqData d) {
    throw missing(Op.MASK);
  }

  public void unmask(IrqData d) {
    throw missing(Op.UNMASK);
  }

  public void eoi(IrqData d) {
    throw missing(Op.EOI);
  }

  /** Returns a SET_MASK_* value; throws KernelException for an error. */
  public int setAffinity(IrqData d, CpuMask dest, boolean force) {
    throw missing(Op.SET_AFFINITY);
  }

  /** Returns true when the interrupt was resent by hardware means. */
  public boolean retrigger(IrqData d) {
    throw missing(Op.RETRIGGER);
  }

  public MsiMsg composeMsiMsg(IrqData d) {
    throw missing(Op.COMPOSE_MSI_MSG);
  }

  public void writeMsiMsg(IrqData d, MsiMsg msg) {
    throw missing(Op.WRITE_MSI_MSG);
  }

  /**
   * irq_bus_lock: taken before any other op of a slow-bus chip (I2C, SPI, a device command queue)
   * in task context; the ops in between may only record what to change.
   */
  public void busLock(IrqData d) {
    throw missing(Op.BUS_LOCK);
  }

  /**
   * irq_bus_sync_unlock: pushes what the ops since {@link #busLock} recorded to the hardware and
   * waits until it took effect; may sleep.
   */
  public void busSyncUnlock(IrqData d) {
    throw missing(Op.BUS_SYNC_UNLOCK);
  }

  /** irq_chip_ack_parent: a level without its own ack passes it to the level below. */
  public static void ackParent(IrqData d) {
    d.parent().chip().ack(d.parent());
  }

  /**
   * irq_chip_retrigger_hierarchy: the first level from {@code from} down with a retrigger callback
   * resends the interrupt; false when no level can.
   */
  public static boolean retriggerHierarchy(IrqData from) {
    for (IrqData p = from; p != null; p = p.parent()) {
      if (p.chip() != null && p.chip().has(Op.RETRIGGER)) {
        return p.chip().retrigger(p);
      }
    }
    return false;
  }

  private UnsupportedOperationException missing(Op op) {
    return new UnsupportedOperationException(name + " has no " + op);
  }

  @Override
  public String toString() {
    return name;
  }
}
