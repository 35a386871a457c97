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
 * @param irqPerSecondMedian {@code irq_per_second_median}: the median of the measured runs'
 *     own rates, less sensitive to a noisy neighbour than the mean
 * @param bareLoopRatio {@code bare_loop_ratio}: wall time of the measured delivery runs divided by
 *     the wall time of a bare {@code irqlab.exec.EventQueue} loop doing the same number of queue
 *     operations (one poll and one re-add per event, trivial events, as many queued at once as
 *     there are traffic sources), per operation, in the same JVM, the two interleaved run by run:
 *     how many times as long one event of the full model takes as one of a pure event loop. 1
 *     would mean the model costs nothing beyond its queue; lower is better. A faster queue makes
 *     both faster and this ratio higher
 * @param delivered {@code delivered}: interrupts delivered in all measured runs together
 * @param wallSeconds {@code wall_seconds}: wall time of the measured runs together
 * @param events {@code events}: events the measured runs executed (each is one poll and at most
 *     one add, so this is also the bare loop's operation count)
 * @param bareOpsPerSecond {@code bare_ops_per_second}: events (poll + add) per second of the bare
 *     loop
 * @param bareSeconds {@code bare_seconds}: wall time of the bare loop
 * @param runs {@code runs}: measured delivery runs (after warm-up runs)
 * @param cpus {@code cpus}: CPUs of the delivery machine
 * @param vectors {@code vectors}: MSI-X vectors (= queues) of its NIC
 * @param heapBytesPerIrq {@code heap_bytes_per_irq}: heap growth from probing the heap machine's
 *     drivers (allocate and request every vector), after full GCs, divided by the interrupts
 *     allocated; -1 when not measured
 * @param irqsMeasured {@code irqs_measured}: interrupts allocated and requested in the heap probe
 *     (0 when not measured)
 */
public record BenchResult(
    double irqPerSecond,
    double irqPerSecondMedian,
    double bareLoopRatio,
    long delivered,
    double wallSeconds,
    long events,
    double bareOpsPerSecond,
    double bareSeconds,
    int runs,
    int cpus,
    int vectors,
    double heapBytesPerIrq,
    long irqsMeasured) {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The fields by their JSON names, in output order. */
  public Map<String, Object> fields() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("irq_per_second", Math.round(irqPerSecond));
    m.put("bare_loop_ratio", round3(bareLoopRatio));
    m.put("irq_per_second_median", Math.round(irqPerSecondMedian));
    m.put("delivered", delivered);
    m.put("wall_seconds", round6(wallSeconds));
    m.put("events", events);
    m.put("bare_ops_per_second", Math.round(bareOpsPerSecond));
    m.put("bare_seconds", round6(bareSeconds));
    m.put("runs", runs);
    m.put("cpus", cpus);
    m.put("vectors", vectors);
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
    b.append(String.format(Locale.ROOT, "delivery: %,.0f interrupts/s on one core (%d CPUs, %d MSI-X vectors)%n",
        irqPerSecond, cpus, vectors));
    b.append(String.format(Locale.ROOT, "  median of runs %,.0f interrupts/s%n", irqPerSecondMedian));
    b.append(String.format(Locale.ROOT, "  %,d delivered in %,d events over %d runs, %.3f s%n",
        delivered, events, runs, wallSeconds));
    b.append(String.format(Locale.ROOT, "bare event loop: %,.0f queue ops/s (poll+add), %.3f s for the same %,d ops%n",
        bareOpsPerSecond, bareSeconds, events));
    b.append(String.format(Locale.ROOT, "  bare_loop_ratio %.2f: an event of the model takes %.2fx the time of a bare loop's%n",
        bareLoopRatio, bareLoopRatio));
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
