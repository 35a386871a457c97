package irqlab.kernel.drivers;

import irqlab.kernel.irq.IrqAction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The request_irq calls a driver still stands by, in request order: the actions it installed.
 * Removal leaves a hole that the front skips and a later growth compacts, so that freeing a
 * million IMS interrupts in the order they were requested costs a constant per free, not a copy
 * of the list. Each action knows its slot ({@link IrqAction#ownerSlot}), so that removing a known
 * action needs no search of the holes before it.
 */
final class DriverRequests {
  private IrqAction[] slots = new IrqAction[8];
  private int head;
  private int tail;
  private int live;

  void add(IrqAction a) {
    if (tail == slots.length) {
      if (live <= slots.length / 2) {
        compact();
      }
      if (tail == slots.length) {
        slots = Arrays.copyOf(slots, slots.length * 2);
      }
    }
    a.setOwnerSlot(tail);
    slots[tail++] = a;
    live++;
  }

  private void compact() {
    int n = 0;
    for (int i = head; i < tail; i++) {
      IrqAction a = slots[i];
      if (a != null) {
        a.setOwnerSlot(n);
        slots[n++] = a;
      }
    }
    Arrays.fill(slots, n, tail, null);
    head = 0;
    tail = n;
  }

  /** The requests in request order (a copy: the caller may change this meanwhile). */
  List<IrqAction> all() {
    List<IrqAction> l = new ArrayList<>(live);
    for (int i = head; i < tail; i++) {
      if (slots[i] != null) {
        l.add(slots[i]);
      }
    }
    return l;
  }

  /** Those on {@code irq}, in request order. */
  List<IrqAction> on(int irq) {
    List<IrqAction> l = new ArrayList<>(1);
    for (int i = head; i < tail; i++) {
      if (slots[i] != null && slots[i].irq() == irq) {
        l.add(slots[i]);
      }
    }
    return l;
  }

  /** Removes {@code a} when it is one of these requests; returns whether it was. */
  boolean removeIfHeld(IrqAction a) {
    int i = a.ownerSlot();
    if (i < head || i >= tail || slots[i] != a) {
      return false;
    }
    slots[i] = null;
    live--;
    dropFront();
    return true;
  }

  /** The front skips the holes left there; an empty list starts again at slot 0. */
  private void dropFront() {
    while (head < tail && slots[head] == null) {
      head++;
    }
    if (live == 0) {
      head = tail = 0;
    }
  }

  /**
   * Removes the requests on {@code irq} and returns them in request order. With {@code unique}
   * (the caller knows there is at most one), the scan stops at the first.
   */
  List<IrqAction> removeOn(int irq, boolean unique) {
    List<IrqAction> l = new ArrayList<>(1);
    for (int i = head; i < tail; i++) {
      IrqAction a = slots[i];
      if (a != null && a.irq() == irq) {
        l.add(a);
        slots[i] = null;
        live--;
        if (unique) {
          break;
        }
      }
    }
    dropFront();
    return l;
  }

  /** Puts {@code again} in {@code old}'s place. */
  void replace(IrqAction old, IrqAction again) {
    for (int i = head; i < tail; i++) {
      if (slots[i] == old) {
        again.setOwnerSlot(i);
        slots[i] = again;
        return;
      }
    }
  }

  void clear() {
    Arrays.fill(slots, head, tail, null);
    head = tail = live = 0;
  }
}
