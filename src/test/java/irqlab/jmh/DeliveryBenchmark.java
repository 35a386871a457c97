package irqlab.jmh;

import irqlab.bench.DeliveryBench;
import irqlab.scenario.Scenario;
import irqlab.sim.Machine;
import irqlab.sim.Simulation;
import irqlab.sim.run.RunRuntime;
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
 * End-to-end delivered interrupts per second on one core: the machine of {@code irqlab bench
 * delivery} (64 CPUs, one NIC with 64 managed MSI-X vectors, traffic on every queue; {@code -p
 * cpus=1024 -p vectors=1024} and so on for the scaling table's machines), built before
 * each invocation (untimed), then run to quiescence (timed). The primary score is runs per second;
 * the {@code irqs} row (an {@link AuxCounters} operations counter) is delivered interrupts per
 * second, the number to compare with the 6.4 million goal.
 *
 * <p>Run (JMH is a test dependency, its annotation processor generates the harness at
 * test-compile; no JUnit test runs it, and {@code mvn test} runs none of it):
 *
 * <pre>
 * mvn -q -B test-compile exec:exec -Dexec.classpathScope=test -Dexec.executable=java \
 *     -Dexec.args="-cp %classpath org.openjdk.jmh.Main irqlab.jmh"
 * </pre>
 *
 * About a minute for the three benchmarks (AllocBenchmark, BareLoopBenchmark, DeliveryBenchmark). Add JMH options after {@code irqlab.jmh}, e.g. {@code -wi 1 -i 3
 * -f 1} or {@code -p vectors=16}; {@code irqlab.jmh.DeliveryBenchmark} selects this one alone;
 * {@code -l} lists them. The {@code exec} prefix resolves to exec-maven-plugin 3.6.4 (pinned in
 * pluginManagement); with {@code -o} that needs the plugin in the local repository already (the
 * first run must be online, or use {@code org.codehaus.mojo:exec-maven-plugin:3.6.4:exec} once
 * it is there). {@code exec:java -Dexec.mainClass=org.openjdk.jmh.Main} works only with {@code -f
 * 0}: JMH's forked JVM gets Maven's own class path, fails with ClassNotFoundException
 * (org.openjdk.jmh.runner.ForkedMain), and Maven still exits 0 with an empty result table.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class DeliveryBenchmark {
  @Param({"64"})
  public int cpus;

  @Param({"64"})
  public int vectors;

  /** none, intel, or auto: intel above 255 CPUs (x2APIC needs it). */
  @Param({"auto"})
  public String remapping;

  /** Simulated traffic time of one invocation (20 ms: about 640k interrupts). */
  @Param({"20000000"})
  public long simulatedNs;

  private Scenario scenario;
  private Machine machine;
  private RunRuntime runtime;
  private long seed;

  /** Delivered interrupts, reported per second next to the primary score. */
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  @State(Scope.Thread)
  public static class Delivered {
    public long irqs;
  }

  @Setup(Level.Trial)
  public void parse() {
    // The traffic of all queues together stays 32M/s, as in irqlab bench delivery --cpus --vectors.
    DeliveryBench.Options o = DeliveryBench.Options.defaults().withoutHeap()
        .withDelivery(cpus, vectors, Math.max(1, 32_000_000L / vectors), simulatedNs).withRemapping(remapping);
    scenario = DeliveryBench.deliveryScenario(o);
    seed = o.seed();
  }

  /** A fresh machine per invocation; an invocation lasts tens of milliseconds, so this is fine. */
  @Setup(Level.Invocation)
  public void build() {
    machine = Simulation.build(scenario, seed);
    runtime = (RunRuntime) machine.exec();
  }

  @Benchmark
  public long deliver(Delivered counter) {
    runtime.runToQuiescence();
    long d = DeliveryBench.delivered(machine);
    counter.irqs += d;
    return d;
  }
}
