package irqlab.bench;

import irqlab.sim.devices.Binding;
import irqlab.exec.Actor;
import irqlab.exec.Event;
import irqlab.exec.EventQueue;
import irqlab.kernel.irq.IrqDesc;
import irqlab.scenario.Scenario;
import irqlab.scenario.ScenarioParser;
import irqlab.sim.Machine;
import irqlab.sim.Simulation;
import irqlab.sim.run.RunRuntime;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.Locale;

/**
 * {@code irqlab bench delivery}: end-to-end delivered interrupts per second on one core, the ratio
 * to a bare event loop doing the same number of queue operations, and heap bytes per allocated and
 * requested interrupt.
 *
 * <p>The delivery machine has {@link Options#cpus} CPUs and one NIC with {@link Options#vectors}
 * queues and as many managed MSI-X vectors (one per CPU when they are equal), with traffic on all
 * queues. One run builds the machine (untimed), then times {@link RunRuntime#runToQuiescence}:
 * every interrupt goes traffic event, device completion, MSI-X message, platform bus, local APIC,
 * common_interrupt, handle_edge_irq, the driver's handler and its register writes. Every run uses
 * the same seed, so every run delivers the same count; a difference is reported as an error.
 *
 * <p>Wall-clock time is read only here: nothing measured feeds back into a simulation.
 */
public final class DeliveryBench {
  private DeliveryBench() {}

  /**
   * Sizes of the benchmark. The defaults finish in about 10 to 20 seconds on a small machine.
   *
   * @param cpus CPUs of the delivery machine
   * @param vectors queues and MSI-X vectors of its NIC (the MSI-X table has this many entries)
   * @param ratePerQueue traffic per queue, completions per simulated second
   * @param simulatedNs simulated traffic time of one run
   * @param warmupRuns delivery runs before measuring (JIT warm-up); the bare loop warms up with
   *     as many operations
   * @param measureRuns delivery runs measured
   * @param seed the seed of every run
   * @param heapCpus CPUs of the heap machine (enough vectors for all its interrupts)
   * @param heapNics NICs of the heap machine
   * @param heapVectors MSI-X vectors of each (at most 2048, the MSI-X table limit)
   * @param measureHeap whether to measure heap bytes per interrupt at all
   */
  public record Options(
      int cpus,
      int vectors,
      long ratePerQueue,
      long simulatedNs,
      int warmupRuns,
      int measureRuns,
      long seed,
      int heapCpus,
      int heapNics,
      int heapVectors,
      boolean measureHeap) {

    public Options {
      if (cpus < 1 || vectors < 1 || vectors > 2048 || ratePerQueue < 1 || simulatedNs < 1
          || warmupRuns < 0 || measureRuns < 1 || seed < 0) {
        throw new IllegalArgumentException("bad delivery bench sizes: " + this);
      }
      if (measureHeap && (heapCpus < 1 || heapNics < 1 || heapVectors < 1 || heapVectors > 2048)) {
        throw new IllegalArgumentException("bad heap bench sizes: " + this);
      }
    }

    /**
     * 64 CPUs, 64 vectors at 500k/s each for 40 ms per run (about 1.28M interrupts a run), 10
     * warm-up and 30 measured runs; heap: 16 NICs with 2048 vectors each on 255 CPUs (32768
     * interrupts). About 10 to 20 s in all.
     */
    public static Options defaults() {
      return new Options(64, 64, 500_000, 40_000_000L, 10, 30, 1, 255, 16, 2048, true);
    }

    /** Tiny sizes for tests: a few thousand interrupts and a small heap probe. */
    public static Options smoke() {
      return new Options(8, 8, 100_000, 2_000_000L, 1, 2, 1, 8, 2, 64, true);
    }

    public Options withDelivery(int cpus, int vectors, long ratePerQueue, long simulatedNs) {
      return new Options(cpus, vectors, ratePerQueue, simulatedNs, warmupRuns, measureRuns, seed,
          heapCpus, heapNics, heapVectors, measureHeap);
    }

    public Options withRuns(int warmupRuns, int measureRuns) {
      return new Options(cpus, vectors, ratePerQueue, simulatedNs, warmupRuns, measureRuns, seed,
          heapCpus, heapNics, heapVectors, measureHeap);
    }

    public Options withSeed(long seed) {
      return new Options(cpus, vectors, ratePerQueue, simulatedNs, warmupRuns, measureRuns, seed,
          heapCpus, heapNics, heapVectors, measureHeap);
    }

    public Options withHeap(int heapCpus, int heapNics, int heapVectors) {
      return new Options(cpus, vectors, ratePerQueue, simulatedNs, warmupRuns, measureRuns, seed,
          heapCpus, heapNics, heapVectors, true);
    }

    public Options withoutHeap() {
      return new Options(cpus, vectors, ratePerQueue, simulatedNs, warmupRuns, measureRuns, seed,
          heapCpus, heapNics, heapVectors, false);
    }
  }

  /**
   * Runs the whole benchmark: warm-up, then measured delivery runs each followed by a bare loop of
   * the same number of queue operations (interleaved, so that a noisy neighbour slows both alike),
   * then the heap probe.
   */
  public static BenchResult runDelivery(Options o) {
    Scenario s = deliveryScenario(o);
    for (int i = 0; i < o.warmupRuns(); i++) {
      Run r = deliveryRun(s, o.seed());
      bareLoop(o.vectors(), r.events, o.ratePerQueue());
    }
    long delivered = 0;
    long events = 0;
    long nanos = 0;
    long bareNanos = 0;
    long bareOps = 0;
    double[] rates = new double[o.measureRuns()];
    long perRun = -1;
    for (int i = 0; i < o.measureRuns(); i++) {
      Run r = deliveryRun(s, o.seed());
      if (perRun >= 0 && r.delivered != perRun) {
        throw new IllegalStateException("runs with the same seed delivered " + perRun + " and "
            + r.delivered + " interrupts: the model is not deterministic");
      }
      perRun = r.delivered;
      delivered += r.delivered;
      events += r.events;
      nanos += r.nanos;
      rates[i] = r.delivered / (Math.max(1, r.nanos) / 1e9);
      long[] b = bareLoop(o.vectors(), r.events, o.ratePerQueue());
      bareNanos += b[0];
      bareOps += b[1];
    }
    double wall = Math.max(1, nanos) / 1e9;
    double bareWall = Math.max(1, bareNanos) / 1e9;
    double heapPerIrq = -1;
    long irqs = 0;
    if (o.measureHeap()) {
      // A small probe first, so that class loading and first-use caches are not counted.
      heapProbe(new Options(o.cpus(), o.vectors(), o.ratePerQueue(), o.simulatedNs(), 0, 1, o.seed(),
          Math.min(o.heapCpus(), 8), 1, Math.min(o.heapVectors(), 64), true));
      HeapProbe h = heapProbe(o);
      heapPerIrq = h.bytesPerIrq();
      irqs = h.irqs();
    }
    // Per event: (delivery time / events) / (bare time / bare ops).
    double ratio = (wall / Math.max(1, events)) / (bareWall / Math.max(1, bareOps));
    return new BenchResult(delivered / wall, median(rates), ratio, delivered, wall, events,
        bareOps / bareWall, bareWall, o.measureRuns(), o.cpus(), o.vectors(), heapPerIrq, irqs);
  }

  private static double median(double[] v) {
    double[] c = v.clone();
    java.util.Arrays.sort(c);
    int n = c.length;
    return n % 2 == 1 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
  }

  // ---- delivery ----

  /** The YAML of the delivery machine. */
  public static String deliveryYaml(Options o) {
    return String.format(Locale.ROOT, """
        name: bench-delivery
        description: >-
          %d CPUs, one NIC with %d queues on managed MSI-X vectors, traffic on all queues.
        seed: %d
        machine:
          cpus: %d
        devices:
          - id: nic0
            bdf: "0000:00:03.0"
            type: nic
            msix: { table: %d }
            queues: %d
        drivers:
          - device: nic0
            vectors: { min: 1, max: %d, kind: msix, affinity: managed }
        timeline:
          - at: 0ms
            traffic: { device: nic0, queues: all, rate: %d/s, for: %dns }
        """, o.cpus(), o.vectors(), o.seed(), o.cpus(), o.vectors(), o.vectors(), o.vectors(),
        o.ratePerQueue(), o.simulatedNs());
  }

  public static Scenario deliveryScenario(Options o) {
    return ScenarioParser.parse("bench-delivery", deliveryYaml(o));
  }

  /** One timed run. */
  record Run(long delivered, long events, long nanos) {}

  static Run deliveryRun(Scenario s, long seed) {
    Machine m = Simulation.build(s, seed);
    RunRuntime rt = (RunRuntime) m.exec();
    long t0 = System.nanoTime();
    rt.runToQuiescence();
    long t1 = System.nanoTime();
    return new Run(delivered(m), rt.eventsRun(), t1 - t0);
  }

  /** The sum of every interrupt's per-CPU kstat counts. */
  public static long delivered(Machine m) {
    long sum = 0;
    int n = m.kernel().nrCpus();
    for (int irq : m.interruptNames().values()) {
      IrqDesc d = m.kernel().descs().get(irq);
      for (int c = 0; c < n; c++) {
        sum += d.count(c);
      }
    }
    return sum;
  }

  // ---- bare loop ----

  /**
   * A trivial self-rescheduling event: it re-adds itself after a pseudo-random gap (an LCG, mean
   * {@code 1e9 / rate} ns) until the loop's operation budget is spent.
   */
  static final class Tick extends Event {
    private final BareLoop loop;
    private long state;
    private final long span;

    Tick(Actor actor, BareLoop loop, long seed, long span) {
      super(actor);
      this.loop = loop;
      this.state = seed;
      this.span = span;
    }

    @Override
    public void run() {
      if (loop.remaining > 0) {
        state = state * 6364136223846793005L + 1442695040888963407L;
        long gap = 1 + (((state >>> 33) * span) >>> 31);
        loop.queue.add(this, time() + gap);
      }
    }
  }

  /** The loop of {@link RunRuntime#runUntil} without the model: peek, poll, run. */
  public static final class BareLoop {
    final EventQueue queue = new EventQueue();
    long remaining;
    long now;
    long ran;

    /**
     * {@code width} events queued at once; they re-add themselves until {@code budget} polls were
     * made, then drain (so {@code budget + width - 1} polls in all, like the traffic sources).
     */
    public BareLoop(int width, long budget, long ratePerEvent) {
      Actor a = new Actor(0, "bare", Actor.Kind.DEVICE, -1);
      long span = Math.max(2, 2 * (long) (1e9 / ratePerEvent));
      this.remaining = budget;
      for (int i = 0; i < width; i++) {
        Tick t = new Tick(a, this, 0x9E3779B97F4A7C15L * (i + 1), span);
        queue.add(t, 1 + i);
      }
    }

    /** Runs until the budget is spent and the queue drained; returns the events run. */
    public long run() {
      EventQueue q = queue;
      Event e;
      while ((e = q.peek()) != null) {
        q.poll();
        now = e.time();
        remaining--;
        e.run();
        ran++;
      }
      return ran;
    }
  }

  /** {wall nanoseconds, events run} of a bare loop of about {@code ops} events, {@code width} queued. */
  static long[] bareLoop(int width, long ops, long rate) {
    BareLoop l = new BareLoop(width, Math.max(1, ops - width + 1), rate);
    long t0 = System.nanoTime();
    long ran = l.run();
    long t1 = System.nanoTime();
    return new long[] {t1 - t0, ran};
  }

  // ---- heap ----

  /** Heap growth from one probe. */
  public record HeapProbe(long bytes, long irqs) {
    public double bytesPerIrq() {
      return irqs == 0 ? -1 : (double) bytes / irqs;
    }
  }

  /** The YAML of the heap machine: unmanaged vectors (reservation mode), no traffic. */
  public static String heapYaml(Options o) {
    StringBuilder b = new StringBuilder();
    b.append("name: bench-heap\n");
    b.append("seed: ").append(o.seed()).append('\n');
    b.append("machine:\n  cpus: ").append(o.heapCpus()).append('\n');
    b.append("devices:\n");
    for (int i = 0; i < o.heapNics(); i++) {
      b.append(String.format(Locale.ROOT,
          "  - id: nic%d%n    type: nic%n    msix: { table: %d }%n    queues: %d%n",
          i, o.heapVectors(), o.heapVectors()));
    }
    b.append("drivers:\n");
    for (int i = 0; i < o.heapNics(); i++) {
      b.append(String.format(Locale.ROOT,
          "  - device: nic%d%n    vectors: { min: 1, max: %d, kind: msix, affinity: none }%n",
          i, o.heapVectors()));
    }
    return b.toString();
  }

  /**
   * Builds the heap machine, measures the heap after full GCs, runs the drivers' probes (time 0:
   * every vector is allocated and requested), measures again, and divides the growth by the
   * interrupts probed. Fails when a probe got fewer vectors than asked (the vector space of
   * {@code heapCpus} CPUs was too small).
   */
  public static HeapProbe heapProbe(Options o) {
    Scenario s = ScenarioParser.parse("bench-heap", heapYaml(o));
    Machine m = Simulation.build(s, o.seed());
    RunRuntime rt = (RunRuntime) m.exec();
    long before = usedHeapAfterGc();
    rt.runUntil(0);
    long after = usedHeapAfterGc();
    long irqs = m.interruptNames().size();
    long requested = 0;
    for (Binding bd : m.bindings()) {
      if (bd.driver().bound()) {
        for (int v = 0; v < bd.driver().vectors(); v++) {
          IrqDesc d = m.kernel().descs().get(bd.driver().irq(v));
          if (d != null && d.action() != null) {
            requested++;
          }
        }
      }
    }
    Reference.reachabilityFence(m);
    long expected = (long) o.heapNics() * o.heapVectors();
    if (irqs != expected || requested != expected) {
      throw new IllegalStateException("heap probe: " + irqs + " interrupts allocated, " + requested
          + " requested, expected " + expected + "; actions: " + m.actionLog());
    }
    return new HeapProbe(after - before, irqs);
  }

  /** Heap in use after full GCs, repeated until two readings agree within 1 KiB (at most 12). */
  public static long usedHeapAfterGc() {
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    long prev = Long.MIN_VALUE;
    long used = 0;
    for (int i = 0; i < 12; i++) {
      System.gc();
      mem.gc();
      used = mem.getHeapMemoryUsage().getUsed();
      if (Math.abs(used - prev) <= 1024) {
        break;
      }
      prev = used;
    }
    return used;
  }

  /** For running from a class path: {@code java irqlab.bench.DeliveryBench [--json] [--smoke]}. */
  public static void main(String[] args) {
    boolean json = false;
    Options o = Options.defaults();
    for (String a : args) {
      switch (a) {
        case "--json" -> json = true;
        case "--smoke" -> o = Options.smoke();
        case "--no-heap" -> o = o.withoutHeap();
        default -> throw new IllegalArgumentException("unknown argument " + a
            + "; expected --json, --smoke or --no-heap");
      }
    }
    BenchResult r = runDelivery(o);
    System.out.print(json ? r.toJson() : r.toText());
  }
}
