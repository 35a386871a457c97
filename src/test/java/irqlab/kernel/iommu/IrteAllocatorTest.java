package irqlab.kernel.iommu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

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
}
