package irqlab.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code irqlab bench delivery} measured. JSON names are in snake_case, in this order.
 *
 * @param irqPerSecond {@code irq_per_second}: delivered interrupts (the sum of every line's
 *     per-CPU kstat counts) divided by the wall time of the measured runs; each run is
 *     {@code Simulation}'s run mode taken to quiescence, machine build excluded
 * @param irqPerSecondRuns {@code irq_per_second_min/_median/_max}: over the measured runs' own
 *     rates; the median is less sensitive to a noisy neighbour than the mean
 * @param bareLoopRatio {@code bare_loop_ratio}: wall time of the measured delivery runs divided by
 *     the wall time of a bare {@code irqlab.exec.EventQueue} loop doing the same number of queue
 *     operations (one poll and one re-add per event, trivial events, as many queued at once as
 *     there are traffic sources), per operation, in the same JVM, the two interleaved run by run:
 *     how many times as long one event of the full model takes as one of a pure event loop. 1
 *     would mean the model costs nothing beyond its queue; lower is better; its inverse is
 *     delivery's speed as a fraction of the bare loop's
 * @param ratioRuns {@code bare_loop_ratio_min/_median/_max}: the same per run and its bare loop
 * @param delivered {@code delivered}: interrupts delivered in all measured runs together
 * @param wallSeconds {@code wall_seconds}: wall time of the measured runs together
 * @param events {@code events}: events the measured runs executed (each is one poll and at most
 *     one add, so this is also the bare loop's operation count)
 * @param bareOpsPerSecond {@code bare_ops_per_second}: events (poll + add) per second of the bare
 *     loop
 * @param bareSeconds {@code bare_seconds}: wall time of the bare loop
 * @param runs {@code runs}: measured delivery runs (after the warm-up)
 * @param warmupRuns {@code warmup_runs}: delivery runs the time-bounded warm-up made
 * @param cpus {@code cpus}: CPUs of the delivery machine
 * @param vectors {@code vectors}: MSI-X vectors (= NIC queues) of the delivery machine
 * @param remapping {@code remapping}: the delivery machine's interrupt remapping (none or intel)
 * @param allocBytesPerIrq {@code alloc_bytes_per_irq}: bytes the simulation thread allocated
 *     during the measured runs, per delivered interrupt
 * @param cpuNsPerIrq {@code cpu_ns_per_irq_min/_median/_max}: the simulation thread's CPU time per
 *     delivered interrupt, per run: on a shared machine the figure a neighbour's load moves least
 * @param cpuRatioRuns {@code bare_loop_cpu_ratio_min/_median/_max}: {@code bare_loop_ratio} from the
 *     thread's CPU time instead of wall time
 * @param deliveryHeapBytesPerIrq {@code delivery_heap_bytes_per_irq}: heap growth from probing the
 *     delivery machine's drivers, per allocated and requested interrupt; -1 when not measured
 * @param heapBytesPerIrq {@code heap_bytes_per_irq}: heap growth from probing the heap machine's
 *     drivers (allocate and request every vector), after full GCs, divided by the interrupts
 *     allocated; -1 when not measured
 * @param irqsMeasured {@code irqs_measured}: interrupts allocated and requested in the heap probe
 *     (0 when not measured)
 */
public record BenchResult(
    double irqPerSecond,
    DeliveryBench.Stats irqPerSecondRuns,
    double bareLoopRatio,
    DeliveryBench.Stats ratioRuns,
    long delivered,
    double wallSeconds,
    long events,
    double bareOpsPerSecond,
    double bareSeconds,
    int runs,
    int warmupRuns,
    int cpus,
    int vectors,
    String remapping,
    double allocBytesPerIrq,
    DeliveryBench.Stats cpuNsPerIrq,
    DeliveryBench.Stats cpuRatioRuns,
    double deliveryHeapBytesPerIrq,
    double heapBytesPerIrq,
    long irqsMeasured) {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The median of the runs' own rates. */
  public double irqPerSecondMedian() {
    return irqPerSecondRuns.median();
  }

  /** The fields by their JSON names, in output order. */
  public Map<String, Object> fields() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("irq_per_second", Math.round(irqPerSecond));
    m.put("bare_loop_ratio", round3(bareLoopRatio));
    m.put("irq_per_second_min", Math.round(irqPerSecondRuns.min()));
    m.put("irq_per_second_median", Math.round(irqPerSecondRuns.median()));
    m.put("irq_per_second_max", Math.round(irqPerSecondRuns.max()));
    m.put("bare_loop_ratio_min", round3(ratioRuns.min()));
    m.put("bare_loop_ratio_median", round3(ratioRuns.median()));
    m.put("bare_loop_ratio_max", round3(ratioRuns.max()));
    m.put("cpu_ns_per_irq_min", round3(cpuNsPerIrq.min()));
    m.put("cpu_ns_per_irq_median", round3(cpuNsPerIrq.median()));
    m.put("cpu_ns_per_irq_max", round3(cpuNsPerIrq.max()));
    m.put("bare_loop_cpu_ratio_min", round3(cpuRatioRuns.min()));
    m.put("bare_loop_cpu_ratio_median", round3(cpuRatioRuns.median()));
    m.put("bare_loop_cpu_ratio_max", round3(cpuRatioRuns.max()));
    m.put("delivered", delivered);
    m.put("wall_seconds", round6(wallSeconds));
    m.put("events", events);
    m.put("bare_ops_per_second", Math.round(bareOpsPerSecond));
    m.put("bare_seconds", round6(bareSeconds));
    m.put("runs", runs);
    m.put("warmup_runs", warmupRuns);
    m.put("cpus", cpus);
    m.put("vectors", vectors);
    m.put("remapping", remapping);
    m.put("alloc_bytes_per_irq", round3(allocBytesPerIrq));
    m.put("delivery_heap_bytes_per_irq", round3(deliveryHeapBytesPerIrq));
    m.put("heap_bytes_per_irq", round3(heapBytesPerIrq));
    m.put("irqs_measured", irqsMeasured);
    return m;
  }

  /** One JSON object with the fields above, and a newline. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(fields()) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The same for a person. */
  public String toText() {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "delivery: %,.0f interrupts/s on one core (%d CPUs, %d MSI-X vectors, remapping %s)%n",
        irqPerSecond, cpus, vectors, remapping));
    b.append(String.format(Locale.ROOT, "  runs: min %,.0f, median %,.0f, max %,.0f interrupts/s%n",
        irqPerSecondRuns.min(), irqPerSecondRuns.median(), irqPerSecondRuns.max()));
    b.append(String.format(Locale.ROOT, "  %,d delivered in %,d events over %d runs (after %d warm-up runs), %.3f s%n",
        delivered, events, runs, warmupRuns, wallSeconds));
    b.append(String.format(Locale.ROOT, "  %.1f ns of CPU time per interrupt (runs: min %.1f, max %.1f); %.1f bytes allocated per"
        + " delivered interrupt%n", cpuNsPerIrq.median(), cpuNsPerIrq.min(), cpuNsPerIrq.max(), allocBytesPerIrq));
    b.append(String.format(Locale.ROOT, "bare event loop: %,.0f queue ops/s (poll+add), %.3f s for the same %,d ops%n",
        bareOpsPerSecond, bareSeconds, events));
    b.append(String.format(Locale.ROOT, "  bare_loop_ratio %.2f (runs: min %.2f, median %.2f, max %.2f): an event of the"
        + " model takes %.2fx the time of a bare loop's; delivery runs at %.2f of the bare loop's speed%n",
        bareLoopRatio, ratioRuns.min(), ratioRuns.median(), ratioRuns.max(), bareLoopRatio, 1 / bareLoopRatio));
    b.append(String.format(Locale.ROOT, "  in CPU time: %.2f (runs: min %.2f, max %.2f)%n", cpuRatioRuns.median(),
        cpuRatioRuns.min(), cpuRatioRuns.max()));
    if (deliveryHeapBytesPerIrq >= 0) {
      b.append(String.format(Locale.ROOT, "heap: %.1f bytes per allocated and requested interrupt of this machine%n",
          deliveryHeapBytesPerIrq));
    }
    if (irqsMeasured > 0) {
      b.append(String.format(Locale.ROOT, "heap: %.1f bytes per allocated and requested interrupt (%,d measured)%n",
          heapBytesPerIrq, irqsMeasured));
    } else {
      b.append("heap: not measured\n");
    }
    return b.toString();
  }

  private static double round3(double v) {
    return Math.rint(v * 1000) / 1000;
  }

  private static double round6(double v) {
    return Math.rint(v * 1e6) / 1e6;
  }
}
