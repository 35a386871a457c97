package irqlab.kernel.iommu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** bitmap_find_free_region semantics: lowest free block of 2^order entries, aligned to its size. */
class IrteAllocatorTest {
  @Test
  void blocksAreAlignedToTheirSize() {
    IrteAllocator a = new IrteAllocator(64);
    assertThat(a.findFreeRegion(0)).isZero();
    assertThat(a.findFreeRegion(2)).isEqualTo(4); // 0 is taken, 4 entries aligned to 4
    assertThat(a.findFreeRegion(0)).isEqualTo(1);
    assertThat(a.findFreeRegion(1)).isEqualTo(2);
    assertThat(a.findFreeRegion(3)).isEqualTo(8);
    assertThat(a.usedCount()).isEqualTo(1 + 4 + 1 + 2 + 8);
  }

  @Test
  void releasedBlocksAreReusedAndFullTablesRefuse() {
    IrteAllocator a = new IrteAllocator(8);
    assertThat(a.findFreeRegion(2)).isZero();
    assertThat(a.findFreeRegion(2)).isEqualTo(4);
    assertThat(a.findFreeRegion(0)).isEqualTo(-1);
    a.releaseRegion(0, 2);
    assertThat(a.isUsed(0)).isFalse();
    assertThat(a.findFreeRegion(1)).isZero();
    assertThat(a.findFreeRegion(2)).isEqualTo(-1);
    assertThat(a.findFreeRegion(1)).isEqualTo(2);
  }

  /**
   * Random allocations and releases agree with bitmap_find_free_region written out naively: the
   * lowest aligned block whose entries are all free.
   */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void agreesWithANaiveScan(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int entries = 256;
    IrteAllocator a = new IrteAllocator(entries);
    boolean[] model = new boolean[entries];
    List<int[]> held = new ArrayList<>();
    for (int step = 0; step < 2000; step++) {
      if (!held.isEmpty() && rnd.nextInt(3) == 0) {
        int[] r = held.remove(rnd.nextInt(held.size()));
        a.releaseRegion(r[0], r[1]);
        for (int i = r[0]; i < r[0] + (1 << r[1]); i++) {
          model[i] = false;
        }
        continue;
      }
      int order = rnd.nextInt(4);
      int expected = naive(model, order);
      assertThat(a.findFreeRegion(order)).as("step %d, order %d", step, order).isEqualTo(expected);
      if (expected >= 0) {
        for (int i = expected; i < expected + (1 << order); i++) {
          model[i] = true;
        }
        held.add(new int[] {expected, order});
      }
    }
  }

  @Test
  void aFullTableOfSingleEntriesIsFilledInOrder() {
    IrteAllocator a = new IrteAllocator(65536);
    for (int i = 0; i < 65536; i++) {
      assertThat(a.findFreeRegion(0)).isEqualTo(i);
    }
    assertThat(a.findFreeRegion(0)).isEqualTo(-1);
  }

  private static int naive(boolean[] used, int order) {
    int size = 1 << order;
    for (int pos = 0; pos + size <= used.length; pos += size) {
      boolean free = true;
      for (int i = pos; i < pos + size; i++) {
        free &= !used[i];
      }
      if (free) {
        return pos;
      }
    }
    return -1;
  }
}
