package irqlab.sim.explore;

/**
 * Counts per long key by open addressing: no boxing on the per-step path. Key and count share one
 * array, side by side, so a probe touches one cache line; a slot is free while its count is 0.
 */
final class LongCounts {
  /** Slot i: key at 2i, count at 2i + 1. */
  private long[] table = new long[2 * 256];
  private int shift = 64 - 8;
  private int size;

  /** Adds one to {@code k}'s count and returns the new count. */
  int increment(long k) {
    long[] t = table;
    int mask = (t.length >>> 1) - 1;
    int i = slot(k);
    while (t[2 * i + 1] != 0) {
      if (t[2 * i] == k) {
        return (int) ++t[2 * i + 1];
      }
      i = (i + 1) & mask;
    }
    t[2 * i] = k;
    t[2 * i + 1] = 1;
    if (++size * 2 > mask + 1) {
      grow();
    }
    return 1;
  }

  /** The count of {@code k} (0 when never incremented). */
  int get(long k) {
    long[] t = table;
    int mask = (t.length >>> 1) - 1;
    int i = slot(k);
    while (t[2 * i + 1] != 0) {
      if (t[2 * i] == k) {
        return (int) t[2 * i + 1];
      }
      i = (i + 1) & mask;
    }
    return 0;
  }

  int size() {
    return size;
  }

  /** Fibonacci hashing: the top bits of the key times the golden ratio. */
  private int slot(long k) {
    return (int) ((k * Seeds.GOLDEN) >>> shift);
  }

  private void grow() {
    long[] old = table;
    table = new long[old.length * 2];
    shift--;
    int mask = (table.length >>> 1) - 1;
    for (int j = 0; j < old.length; j += 2) {
      if (old[j + 1] != 0) {
        int i = slot(old[j]);
        while (table[2 * i + 1] != 0) {
          i = (i + 1) & mask;
        }
        table[2 * i] = old[j];
        table[2 * i + 1] = old[j + 1];
      }
    }
  }
}
