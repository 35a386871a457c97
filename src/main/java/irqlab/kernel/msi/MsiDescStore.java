package irqlab.kernel.msi;

import irqlab.kernel.Errno;
import irqlab.kernel.KernelException;
import java.util.Arrays;
import java.util.BitSet;
import java.util.function.Consumer;

/**
 * The per-device, per-domain descriptor store (the xarray of kernel/irq/msi.c): index-keyed,
 * insertion at an explicit index or at the lowest free one below the domain's hardware size.
 */
public final class MsiDescStore {
  /** MSI_ANY_INDEX. */
  public static final int ANY_INDEX = -1;
  /** MSI_MAX_INDEX + 1: the largest hardware size a domain may declare. */
  public static final int MAX_HWSIZE = 65536;
  /**
   * irqlab's extension for PCI/IMS domains: up to 2^20 interrupts, so that one accelerator can
   * have a million queues. The kernel's msi_desc keeps the index in a u16 (MSI_MAX_INDEX), but an
   * IMS index names no hardware table entry (queue-memory IMS: a software handle; the slot array:
   * as large as the device makes it), so only the store's key width limits it here.
   */
  public static final int MAX_IMS_HWSIZE = 1 << 20;

  /** The largest size a domain of bus {@code token} may declare. */
  public static int maxHwsize(irqlab.kernel.domain.BusToken token) {
    return token == irqlab.kernel.domain.BusToken.PCI_DEVICE_IMS ? MAX_IMS_HWSIZE : MAX_HWSIZE;
  }

  private final int hwsize;
  private final BitSet used = new BitSet();
  private MsiDesc[] slots = new MsiDesc[8];
  private int count;
  /** Every index below this one is used: ANY starts its search here, not at 0. */
  private int lowestFree;

  public MsiDescStore(int hwsize) {
    this.hwsize = hwsize;
  }

  public int hwsize() {
    return hwsize;
  }

  /**
   * msi_insert_desc: ERANGE for an index at or beyond the hardware size, EBUSY for a used index
   * (xa_insert), and EBUSY as well for MSI_ANY_INDEX with no free index below it (xa_alloc).
   */
  public MsiDesc insert(int index) {
    int at;
    if (index == ANY_INDEX) {
      at = used.nextClearBit(lowestFree);
      lowestFree = at;
      if (at >= hwsize) {
        throw new KernelException(Errno.EBUSY, "no free MSI index below " + hwsize);
      }
    } else {
      if (index < 0 || index >= hwsize) {
        throw new KernelException(Errno.ERANGE, "MSI index " + index + " outside 0.." + (hwsize - 1));
      }
      if (used.get(index)) {
        throw new KernelException(Errno.EBUSY, "MSI index " + index + " in use");
      }
      at = index;
    }
    if (at >= slots.length) {
      slots = Arrays.copyOf(slots, Math.max(slots.length * 2, at + 1));
    }
    MsiDesc d = new MsiDesc(at);
    slots[at] = d;
    used.set(at);
    count++;
    if (at == lowestFree) {
      lowestFree = at + 1;
    }
    return d;
  }

  public MsiDesc get(int index) {
    return index >= 0 && index < slots.length ? slots[index] : null;
  }

  public void erase(int index) {
    if (get(index) != null) {
      slots[index] = null;
      used.clear(index);
      count--;
      lowestFree = Math.min(lowestFree, index);
    }
  }

  public int size() {
    return count;
  }

  /** Visits descriptors with index in [first, last], ascending. */
  public void forRange(int first, int last, Consumer<MsiDesc> visitor) {
    for (int i = used.nextSetBit(Math.max(first, 0)); i >= 0 && i <= last; i = used.nextSetBit(i + 1)) {
      visitor.accept(slots[i]);
    }
  }

  public void forEach(Consumer<MsiDesc> visitor) {
    forRange(0, Integer.MAX_VALUE - 1, visitor);
  }
}
