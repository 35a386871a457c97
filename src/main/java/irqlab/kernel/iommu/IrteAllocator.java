package irqlab.kernel.iommu;

import java.util.BitSet;

/**
 * The bitmap of used remapping table entries (ir_table->bitmap) with the kernel's region
 * semantics (lib/bitmap.c bitmap_find_free_region): a block of 2^order entries, aligned to its
 * size, the lowest one free; released as a whole.
 */
final class IrteAllocator {
  private final int entries;
  private final BitSet used = new BitSet();

  IrteAllocator(int entries) {
    this.entries = entries;
  }

  /** The first free aligned block of 2^{@code order} entries, marked used; -1 when there is none. */
  int findFreeRegion(int order) {
    int size = 1 << order;
    int pos = 0;
    while (true) {
      // Word-wise jumps over used entries: filling a 65,536-entry table stays linear.
      int free = used.nextClearBit(pos);
      pos = (free + size - 1) / size * size;
      if (pos + size > entries) {
        return -1;
      }
      int busy = used.nextSetBit(pos);
      if (busy < 0 || busy >= pos + size) {
        used.set(pos, pos + size);
        return pos;
      }
      pos = busy + 1; // every aligned block that starts at or before the busy entry holds it
    }
  }

  void releaseRegion(int pos, int order) {
    used.clear(pos, pos + (1 << order));
  }

  boolean isUsed(int index) {
    return used.get(index);
  }

  int usedCount() {
    return used.cardinality();
  }
}
