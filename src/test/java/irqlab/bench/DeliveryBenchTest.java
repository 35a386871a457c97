package irqlab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Smoke test of the benchmark at tiny sizes: it runs and its numbers agree. Nothing is timed. */
class DeliveryBenchTest {
  @Test
  void smokeRunProducesConsistentNumbers() throws Exception {
    DeliveryBench.Options o = DeliveryBench.Options.smoke();
    BenchResult r = DeliveryBench.runDelivery(o);

    assertThat(r.delivered()).isPositive();
    assertThat(r.delivered() % o.measureRuns()).isZero(); // every run delivers the same count
    assertThat(r.events()).isGreaterThanOrEqualTo(r.delivered());
    assertThat(r.wallSeconds()).isPositive();
    assertThat(r.irqPerSecond()).isPositive();
    assertThat(r.irqPerSecondMedian()).isPositive();
    assertThat(r.bareLoopRatio()).isPositive();
    assertThat(r.bareOpsPerSecond()).isPositive();
    assertThat(r.runs()).isEqualTo(o.measureRuns());
    assertThat(r.cpus()).isEqualTo(o.cpus());
    assertThat(r.vectors()).isEqualTo(o.vectors());
    assertThat(r.irqsMeasured()).isEqualTo((long) o.heapNics() * o.heapVectors());
    assertThat(r.heapBytesPerIrq()).isPositive();

    JsonNode j = new ObjectMapper().readTree(r.toJson());
    for (String f : new String[] {"irq_per_second", "bare_loop_ratio", "delivered", "wall_seconds",
        "bare_ops_per_second", "heap_bytes_per_irq", "irqs_measured"}) {
      assertThat(j.has(f)).as(f).isTrue();
      assertThat(j.get(f).isNumber()).as(f).isTrue();
    }
    assertThat(j.get("delivered").asLong()).isEqualTo(r.delivered());
    assertThat(j.get("irqs_measured").asLong()).isEqualTo(r.irqsMeasured());
    assertThat(r.toText()).contains("interrupts/s").contains("bare_loop_ratio").contains("bytes per");
  }

  @Test
  void deliveredCountMatchesTheDeviceWork() {
    DeliveryBench.Options o = DeliveryBench.Options.smoke();
    var m = irqlab.sim.Simulation.build(DeliveryBench.deliveryScenario(o), o.seed());
    ((irqlab.sim.run.RunRuntime) m.exec()).runToQuiescence();
    long completed = 0;
    for (var b : m.bindings()) {
      for (int q = 0; q < b.device().queues(); q++) {
        completed += b.device().completedTotal(q);
      }
    }
    // In run mode every completion is delivered at once, one interrupt each.
    assertThat(DeliveryBench.delivered(m)).isEqualTo(completed).isPositive();
  }

  @Test
  void withoutHeapReportsNoHeapFigure() {
    BenchResult r = DeliveryBench.runDelivery(DeliveryBench.Options.smoke().withoutHeap());
    assertThat(r.irqsMeasured()).isZero();
    assertThat(r.heapBytesPerIrq()).isEqualTo(-1);
    assertThat(r.toText()).contains("heap: not measured");
  }

  @Test
  void runsReportMinMedianMaxInOrderAndNothingAllocatedPerInterrupt() {
    BenchResult r = DeliveryBench.runDelivery(DeliveryBench.Options.smoke().withoutHeap().withRuns(0, 3));
    assertThat(r.irqPerSecondRuns().min()).isPositive().isLessThanOrEqualTo(r.irqPerSecondRuns().median());
    assertThat(r.irqPerSecondRuns().median()).isLessThanOrEqualTo(r.irqPerSecondRuns().max());
    assertThat(r.ratioRuns().min()).isPositive().isLessThanOrEqualTo(r.ratioRuns().max());
    assertThat(r.warmupRuns()).isEqualTo(1); // a zero warm-up still makes one run
    // The delivery path allocates nothing per interrupt (a few bytes of JIT and counters at most).
    assertThat(r.allocBytesPerIrq()).isLessThan(8);
    assertThat(r.fields()).containsKeys("irq_per_second_min", "irq_per_second_max", "bare_loop_ratio_median",
        "alloc_bytes_per_irq", "remapping", "warmup_runs");
  }

  @Test
  void largeVectorCountsSpreadOverNicsOfAtMost2048AndRefuseWhatTheMatrixCannotHold() {
    DeliveryBench.Options big = DeliveryBench.Options.defaults().withSize(1024, 65_536);
    assertThat(big.infeasible()).isNull();
    assertThat(big.effectiveRemapping()).isEqualTo("intel");
    assertThat(big.ratePerQueue()).isEqualTo(32_000_000L / 65_536);
    var s = DeliveryBench.deliveryScenario(big);
    assertThat(s.devices()).hasSize(32);
    assertThat(s.machine().remapping()).isEqualTo("intel");
    // 65,536 vectors on 64 CPUs would be 1,024 per CPU; a CPU has 201 (0x20..0xea minus the system map).
    assertThat(DeliveryBench.Options.defaults().withSize(64, 65_536).infeasible())
        .contains("ENOSPC").contains("at least 327 CPUs");
    assertThat(DeliveryBench.Options.defaults().withSize(300, 300).withRemapping("none").infeasible())
        .contains("x2APIC");
  }

  @Test
  void anX2apicMachineDeliversThroughTheRemappingUnit() {
    DeliveryBench.Options o = DeliveryBench.Options.smoke().withoutHeap()
        .withDelivery(300, 300, 2_000, 2_000_000L).withRuns(0, 1);
    BenchResult r = DeliveryBench.runDelivery(o);
    assertThat(r.remapping()).isEqualTo("intel");
    assertThat(r.delivered()).isPositive();
  }

  @Test
  void bareLoopRunsTheRequestedOperations() {
    DeliveryBench.BareLoop l = new DeliveryBench.BareLoop(16, 1000, 100_000);
    assertThat(l.run()).isEqualTo(1000 + 16 - 1);
  }
}
