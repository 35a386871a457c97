package irqlab.kernel.drivers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A driver's vector index to Linux irq table (what pci_irq_vector answers, kept), in an int array
 * indexed by vector: no boxed keys or tree entries per interrupt. Irq 0 is never a device
 * interrupt's (x86 gives it to the timer), so 0 marks an index without one.
 */
final class VectorIrqs {
  private int[] irqs = new int[8];
  private int size;

  /** The irq of {@code index}, or 0. */
  int get(int index) {
    return index >= 0 && index < irqs.length ? irqs[index] : 0;
  }

  void put(int index, int irq) {
    if (index >= irqs.length) {
      irqs = Arrays.copyOf(irqs, Math.max(index + 1, irqs.length * 2));
    }
    if (irqs[index] == 0) {
      size++;
    }
    irqs[index] = irq;
  }

  void remove(int index) {
    if (get(index) != 0) {
      irqs[index] = 0;
      size--;
    }
  }

  void clear() {
    Arrays.fill(irqs, 0);
    size = 0;
  }

  int size() {
    return size;
  }

  /** The lowest index above {@code index} with an irq, or -1. */
  int higher(int index) {
    for (int i = Math.max(0, index + 1); i < irqs.length; i++) {
      if (irqs[i] != 0) {
        return i;
      }
    }
    return -1;
  }

  /** The lowest index with an irq, or -1. */
  int first() {
    return higher(-1);
  }

  /** The indexes with an irq, ascending. */
  List<Integer> indexes() {
    List<Integer> l = new ArrayList<>(size);
    for (int i = first(); i >= 0; i = higher(i)) {
      l.add(i);
    }
    return List.copyOf(l);
  }
}
