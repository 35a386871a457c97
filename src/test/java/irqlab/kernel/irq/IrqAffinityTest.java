package irqlab.kernel.irq;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.irq.IrqAffinity.AffinityDescriptor;
import irqlab.kernel.irq.IrqAffinity.IrqAffinityMask;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IrqAffinityTest {
  private static final CpuMask FOUR = CpuMask.first(4);

  private static List<String> lists(List<IrqAffinityMask> masks) {
    return masks.stream().map(m -> m.mask().toList() + (m.managed() ? "*" : "")).toList();
  }

  @Test
  void nvmeOnTheReferenceGuestGetsOneQueuePerCpu() {
    // boot/irq_table: nvme0q0 0-3, nvme0q1..q4 -> 0, 1, 2, 3
    List<IrqAffinityMask> masks =
        IrqAffinity.createAffinityMasks(5, new AffinityDescriptor(1, 0), FOUR, FOUR);
    assertThat(lists(masks)).containsExactly("0-3", "0*", "1*", "2*", "3*");
  }

  @Test
  void calcAffinityVectorsCapsTheSpreadPartAtPossibleCpus() {
    AffinityDescriptor pre1 = new AffinityDescriptor(1, 0);
    assertThat(IrqAffinity.calcAffinityVectors(1, 65, pre1, 4)).isEqualTo(5);
    assertThat(IrqAffinity.calcAffinityVectors(1, 3, pre1, 4)).isEqualTo(3);
    assertThat(IrqAffinity.calcAffinityVectors(2, 3, new AffinityDescriptor(1, 1), 4))
        .isEqualTo(3);
    assertThat(IrqAffinity.calcAffinityVectors(1, 8, new AffinityDescriptor(1, 1), 4)).isZero();
    assertThat(IrqAffinity.calcAffinityVectors(0, 8, AffinityDescriptor.NONE, 6)).isEqualTo(6);
  }

  @Test
  void remainderCpusGoToTheFirstGroups() {
    List<IrqAffinityMask> masks =
        IrqAffinity.createAffinityMasks(3, AffinityDescriptor.NONE, CpuMask.first(8),
            CpuMask.first(8));
    assertThat(lists(masks)).containsExactly("0-2*", "3-5*", "6-7*");
  }

  @Test
  void absentCpusContinueAfterThePresentGroupsAndWrap() {
    List<IrqAffinityMask> masks = IrqAffinity.createAffinityMasks(
        4, AffinityDescriptor.NONE, CpuMask.first(6), CpuMask.of(0, 1));
    assertThat(lists(masks)).containsExactly("0,4*", "1,5*", "2*", "3*");
  }

  @Test
  void absentCpusJoinFromGroupZeroWhenPresentOnesFilledAllGroups() {
    List<IrqAffinityMask> masks = IrqAffinity.createAffinityMasks(
        2, AffinityDescriptor.NONE, CpuMask.first(4), CpuMask.first(3));
    assertThat(lists(masks)).containsExactly("0-1,3*", "2*");
  }

  @Test
  void preAndPostVectorsGetAllPossibleCpusUnmanaged() {
    List<IrqAffinityMask> masks =
        IrqAffinity.createAffinityMasks(5, new AffinityDescriptor(2, 1), FOUR, FOUR);
    assertThat(lists(masks)).containsExactly("0-3", "0-3", "0-1*", "2-3*", "0-3");
  }

  @Test
  void oneSpreadVectorTakesEverything() {
    List<IrqAffinityMask> masks = IrqAffinity.createAffinityMasks(
        2, new AffinityDescriptor(1, 0), CpuMask.first(6), CpuMask.first(4));
    assertThat(lists(masks)).containsExactly("0-5", "0-5*");
  }

  @Test
  void moreGroupsThanCpusLeavesEmptyMasksAsIn612() {
    List<IrqAffinityMask> masks =
        IrqAffinity.createAffinityMasks(6, AffinityDescriptor.NONE, CpuMask.first(2),
            CpuMask.first(2));
    assertThat(lists(masks)).containsExactly("0*", "1*", "*", "*", "*", "*");
  }

  @Test
  void nothingToSpreadGivesNoMasks() {
    assertThat(IrqAffinity.createAffinityMasks(2, new AffinityDescriptor(1, 1), FOUR, FOUR))
        .isEmpty();
    assertThat(IrqAffinity.createAffinityMasks(0, AffinityDescriptor.NONE, FOUR, FOUR)).isEmpty();
  }

  /** Any shape: every possible CPU in exactly one spread mask, sizes within one per stage. */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
  void spreadCoversEveryPossibleCpuOnce(int seed) {
    Random rnd = new Random(seed);
    int nPossible = 1 + rnd.nextInt(24);
    CpuMask possible = CpuMask.first(nPossible);
    CpuMask present = CpuMask.first(1 + rnd.nextInt(nPossible));
    int pre = rnd.nextInt(3);
    int post = rnd.nextInt(2);
    int spread = 1 + rnd.nextInt(nPossible);
    List<IrqAffinityMask> masks = IrqAffinity.createAffinityMasks(
        pre + spread + post, new AffinityDescriptor(pre, post), possible, present);
    assertThat(masks).hasSize(pre + spread + post);
    CpuMask seen = CpuMask.EMPTY;
    int minPresent = Integer.MAX_VALUE;
    int maxPresent = 0;
    for (int i = 0; i < masks.size(); i++) {
      IrqAffinityMask m = masks.get(i);
      boolean spreadVec = i >= pre && i < pre + spread;
      assertThat(m.managed()).isEqualTo(spreadVec);
      if (!spreadVec) {
        assertThat(m.mask()).isEqualTo(possible);
        continue;
      }
      assertThat(m.mask().intersects(seen)).as("cpu in two groups").isFalse();
      seen = seen.or(m.mask());
      int p = m.mask().and(present).cardinality();
      if (p > 0) {
        minPresent = Math.min(minPresent, p);
        maxPresent = Math.max(maxPresent, p);
      }
    }
    assertThat(seen).isEqualTo(possible);
    assertThat(maxPresent - minPresent).isLessThanOrEqualTo(1);
  }
}
