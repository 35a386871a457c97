package irqlab.kernel.vmd;

import irqlab.exec.Srcu;
import java.util.ArrayList;
import java.util.List;

/**
 * struct vmd_irq_list: one VMD MSI-X vector's list of child interrupts with its SRCU, the count
 * vmd_next_irq balances on, and the vector's Linux irq; and what irqlab counts for the views: the
 * handler's runs, the child calls they made, and the children assigned now and at most.
 */
public final class VmdIrqList {
  final VmdIrq head = VmdIrq.head(this);
  final Srcu srcu;
  /** The MSI-X index within the VMD (index_from_irqs), the destination id children's messages carry. */
  final int index;
  /** The VMD vector's Linux irq (pci_irq_vector). */
  int virq;
  /**
   * vmd_irq_list.count, an unsigned int as vmd.c keeps it: vmd_next_irq raises it only for the
   * NVMe vectors it chooses, vmd_msi_free lowers it for every child, so the shared first vector's
   * count wraps below zero.
   */
  int count;
  private long handled;
  private long childCalls;
  private int assigned;
  private int peakAssigned;
  /** Entries assigned to this vector now, in assignment order (the view's child list). */
  final List<VmdIrq> children = new ArrayList<>();

  /** The VMD driver whose vector this is. */
  private final VmdDriver vmd;

  VmdIrqList(irqlab.exec.Exec exec, VmdDriver vmd, String vmdName, int index) {
    this.vmd = vmd;
    this.index = index;
    this.srcu = new Srcu(exec, vmdName + " vector " + index);
  }

  /** The VMD whose vector this is. */
  public VmdDriver vmd() {
    return vmd;
  }

  public int index() {
    return index;
  }

  public int virq() {
    return virq;
  }

  /** The count field as the kernel prints an unsigned int. */
  public long count() {
    return Integer.toUnsignedLong(count);
  }

  /** vmd_irq runs on this vector. */
  public long handled() {
    return handled;
  }

  /** generic_handle_irq calls those runs made: every enabled child runs on every interrupt. */
  public long childCalls() {
    return childCalls;
  }

  /** Child interrupts assigned to this vector now. */
  public int assigned() {
    return assigned;
  }

  /** The most child interrupts this vector had at once. */
  public int peakAssigned() {
    return peakAssigned;
  }

  /** The entries assigned now, in the order they were. */
  public List<VmdIrq> children() {
    return List.copyOf(children);
  }

  /** Entries on the list now (the enabled children), head to tail. */
  public List<VmdIrq> enabledEntries() {
    List<VmdIrq> l = new ArrayList<>();
    for (VmdIrq e = head.next; e != head; e = e.next) {
      l.add(e);
    }
    return l;
  }

  public Srcu srcu() {
    return srcu;
  }

  void assign(VmdIrq e) {
    children.add(e);
    assigned++;
    peakAssigned = Math.max(peakAssigned, assigned);
  }

  void unassign(VmdIrq e) {
    children.remove(e);
    assigned--;
  }

  void countRun() {
    handled++;
  }

  void countCall() {
    childCalls++;
  }
}
