package irqlab.kernel.vmd;

import irqlab.kernel.Freed;
import irqlab.kernel.msi.MsiChipData;
import irqlab.kernel.msi.MsiDeviceDomain;

/**
 * struct vmd_irq: one child interrupt's entry on a VMD vector's list (an RCU list: list_del_rcu
 * leaves {@code next} as it was, so a reader standing on a removed entry walks on), the vector it
 * was given, whether the child has it enabled, and the child's Linux irq. It is the chip data of
 * the child's VMD-MSI level. A list head is an entry without a vector of its own.
 */
public final class VmdIrq implements MsiChipData {
  VmdIrq next;
  VmdIrq prev;
  /** The vector's list (vmdirq->irq). */
  final VmdIrqList irq;
  boolean enabled;
  final int virq;
  /** The child's device domain (msi_desc_to_dev), null for a list head. */
  private final MsiDeviceDomain device;
  /** Who freed the entry (kfree or kfree_rcu in vmd_msi_free), null while valid. */
  Freed freed;

  /**
   * The offset the entry's points name: the child irq (the conflict unit), with bit 32 set while
   * the entry is off its list. A walker still standing on an entry another CPU unlinked is then a
   * rare access to the delay strategy, not the thousandth read of a busy entry.
   */
  long offset() {
    return virq | (enabled ? 0 : 1L << 32);
  }


  VmdIrq(VmdIrqList irq, int virq, MsiDeviceDomain device) {
    this.irq = irq;
    this.virq = virq;
    this.device = device;
  }

  /** A list head: next and prev point at itself (INIT_LIST_HEAD). */
  static VmdIrq head(VmdIrqList list) {
    VmdIrq h = new VmdIrq(list, 0, null);
    h.next = h;
    h.prev = h;
    return h;
  }

  /** list_add_tail_rcu: the entry is fully linked before the predecessor publishes it. */
  void addTailRcu(VmdIrq head) {
    next = head;
    prev = head.prev;
    head.prev.next = this; // rcu_assign_pointer
    head.prev = this;
  }

  /** list_del_rcu: unlinked; {@code next} stays for readers on it, {@code prev} is poisoned. */
  void delRcu() {
    prev.next = next;
    next.prev = prev;
    prev = null; // LIST_POISON2
  }

  /**
   * The entry of a child interrupt whose outermost level is {@code top}: that level's chip data
   * (6.12's VMD-MSI domain), or its parent level's (the per-device design); null for a line that
   * is no VMD child.
   */
  public static VmdIrq of(irqlab.kernel.irq.IrqData top) {
    for (irqlab.kernel.irq.IrqData d = top; d != null; d = d.parent()) {
      if (d.chipData() instanceof VmdIrq e) {
        return e;
      }
    }
    return null;
  }

  public VmdIrqList list() {
    return irq;
  }

  public int virq() {
    return virq;
  }

  public boolean enabled() {
    return enabled;
  }

  public boolean freed() {
    return freed != null;
  }

  @Override
  public MsiDeviceDomain msiDeviceDomain() {
    return device;
  }
}
