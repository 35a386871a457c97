package irqlab.sim.explore;

import java.util.Arrays;

/** Counts per long key by open addressing: no boxing on the per-step path. */
final class LongCounts {
  private long[] keys = new long[256];
  private int[] counts = new int[256];
  private boolean[] used = new boolean[256];
  private int size;

  /** Adds one to {@code k}'s count and returns the new count. */
  int increment(long k) {
    int mask = keys.length - 1;
    int i = (int) Seeds.mix(k) & mask;
    while (used[i]) {
      if (keys[i] == k) {
        return ++counts[i];
      }
      i = (i + 1) & mask;
    }
    used[i] = true;
    keys[i] = k;
    counts[i] = 1;
    if (++size * 2 > keys.length) {
      grow();
    }
    return 1;
  }

  int size() {
    return size;
  }

  private void grow() {
    long[] ok = keys;
    int[] oc = counts;
    boolean[] ou = used;
    keys = new long[ok.length * 2];
    counts = new int[ok.length * 2];
    used = new boolean[ok.length * 2];
    int mask = keys.length - 1;
    for (int j = 0; j < ok.length; j++) {
      if (ou[j]) {
        int i = (int) Seeds.mix(ok[j]) & mask;
        while (used[i]) {
          i = (i + 1) & mask;
        }
        used[i] = true;
        keys[i] = ok[j];
        counts[i] = oc[j];
      }
    }
    Arrays.fill(ou, false);
  }
}
