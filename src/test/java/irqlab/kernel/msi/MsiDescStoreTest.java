package irqlab.kernel.msi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import irqlab.kernel.Errno;
import irqlab.kernel.KernelException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The index-keyed descriptor store against a TreeSet model over seeded random operations. */
class MsiDescStoreTest {
  static List<Long> seeds() {
    List<Long> s = new ArrayList<>();
    for (long i = 1; i <= 40; i++) {
      s.add(i);
    }
    return s;
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void behavesLikeAnOrderedSetWithLowestFreeInsertion(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int hwsize = 1 + r.nextInt(64);
    MsiDescStore store = new MsiDescStore(hwsize);
    TreeSet<Integer> model = new TreeSet<>();
    for (int step = 0; step < 500; step++) {
      int op = r.nextInt(3);
      if (op == 0) {
        int lowest = 0;
        while (model.contains(lowest)) {
          lowest++;
        }
        if (lowest >= hwsize) {
          // xa_alloc finds no free index: EBUSY (kernel/irq/msi.c msi_insert_desc)
          assertThatThrownBy(() -> store.insert(MsiDescStore.ANY_INDEX))
              .isInstanceOfSatisfying(KernelException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EBUSY));
        } else {
          assertThat(store.insert(MsiDescStore.ANY_INDEX).msiIndex()).isEqualTo(lowest);
          model.add(lowest);
        }
      } else if (op == 1) {
        int idx = r.nextInt(hwsize + 4);
        if (idx >= hwsize) {
          assertThatThrownBy(() -> store.insert(idx))
              .isInstanceOfSatisfying(KernelException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ERANGE));
        } else if (model.contains(idx)) {
          assertThatThrownBy(() -> store.insert(idx))
              .isInstanceOfSatisfying(KernelException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EBUSY));
        } else {
          assertThat(store.insert(idx).msiIndex()).isEqualTo(idx);
          model.add(idx);
        }
      } else {
        int idx = r.nextInt(hwsize);
        store.erase(idx);
        model.remove(idx);
      }
      assertThat(store.size()).isEqualTo(model.size());
      List<Integer> seen = new ArrayList<>();
      store.forEach(d -> seen.add(d.msiIndex()));
      assertThat(seen).containsExactlyElementsOf(model);
      int lo = r.nextInt(hwsize);
      int hi = lo + r.nextInt(hwsize - lo);
      List<Integer> ranged = new ArrayList<>();
      store.forRange(lo, hi, d -> ranged.add(d.msiIndex()));
      assertThat(ranged).containsExactlyElementsOf(model.subSet(lo, true, hi, true));
    }
  }
}
