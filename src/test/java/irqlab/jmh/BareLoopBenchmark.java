package irqlab.jmh;

import irqlab.bench.DeliveryBench;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The bare event loop {@code irqlab bench delivery} compares against: {@code width} trivial
 * self-rescheduling events on an {@link irqlab.exec.EventQueue}, polled and re-added until the
 * budget is spent. The {@code events} row is queue operations (one poll and one add) per second;
 * divide {@link DeliveryBenchmark}'s events per second by it for the bare-loop ratio (delivery
 * runs one event per delivered interrupt, plus a handful). How to run: see {@link
 * DeliveryBenchmark}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class BareLoopBenchmark {
  /** Events queued at once: as many as the delivery machine has traffic sources. */
  @Param({"64"})
  public int width;

  /** Polls per invocation (as many as one DeliveryBenchmark invocation runs events). */
  @Param({"640000"})
  public long budget;

  @Param({"500000"})
  public long ratePerEvent;

  private DeliveryBench.BareLoop loop;

  /** Events run, reported per second next to the primary score. */
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  @State(Scope.Thread)
  public static class Ran {
    public long events;
  }

  @Setup(Level.Invocation)
  public void build() {
    loop = new DeliveryBench.BareLoop(width, budget, ratePerEvent);
  }

  @Benchmark
  public long loop(Ran counter) {
    long n = loop.run();
    counter.events += n;
    return n;
  }
}
