package irqlab.jmh;

import irqlab.bench.AllocBench;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The path of {@code irqlab bench alloc}: one accelerator's IMS interrupts allocated
 * (pci_ims_alloc_irq), then requested and freed in waves (request_irq, free_irq,
 * pci_ims_free_irq). The machine with the probed accelerator is built before each invocation
 * (untimed). The primary score is invocations per second; the {@code irqs} row is interrupts
 * taken through the whole cycle per second. How to run: see {@link DeliveryBenchmark}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class AllocBenchmark {
  /** IMS interrupts per invocation (the CLI bench does 1,000,000). */
  @Param({"100000"})
  public int irqs;

  @Param({"64"})
  public int cpus;

  /** Interrupts requested at once (bounded by the CPUs' vectors). */
  @Param({"10000"})
  public int wave;

  private AllocBench.Rig rig;

  /** Interrupts cycled, reported per second next to the primary score. */
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  @State(Scope.Thread)
  public static class Cycled {
    public long irqs;
  }

  @Setup(Level.Invocation)
  public void build() {
    rig = new AllocBench.Rig(irqs, cpus);
  }

  @TearDown(Level.Invocation)
  public void close() {
    rig.close();
  }

  @Benchmark
  public int allocRequestFree(Cycled counter) {
    int n = rig.allocRequestFree(irqs, wave);
    counter.irqs += n;
    return n;
  }
}
