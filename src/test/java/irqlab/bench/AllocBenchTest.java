package irqlab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The IMS allocation bench runs and reports what it promises; no timing is asserted here. */
class AllocBenchTest {
  @Test
  void smokeRunAllocatesRequestsAndFreesEveryInterruptWithoutHoldingVectorsEarly() {
    AllocBench.Result r = AllocBench.run(AllocBench.Options.smoke());
    assertThat(r.irqs()).isEqualTo(5_000);
    assertThat(r.vectorsHeldAfterAlloc()).isZero();
    assertThat(r.reservedAfterAlloc()).isEqualTo(5_000);
    assertThat(r.heapBytesPerIrq()).isPositive();
    assertThat(r.fields()).containsKeys("irqs", "seconds", "heap_bytes_per_irq");
    assertThat(r.toJson()).contains("\"irqs\" : 5000").contains("\"heap_bytes_per_irq\"");
    assertThat(r.runs()).isEqualTo(2);
    assertThat(r.secondsMin()).isPositive().isLessThanOrEqualTo(r.seconds());
    assertThat(r.seconds()).isLessThanOrEqualTo(r.secondsMax());
  }
}
