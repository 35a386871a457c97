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
import java.lang.management.ThreadMXBean;
import java.lang.ref.Reference;
import java.util.Locale;

/**
 * {@code irqlab bench delivery}: end-to-end delivered interrupts per second on one core, the ratio
 * to a bare event loop doing the same number of queue operations, and heap bytes per allocated and
 * requested interrupt.
 *
 * <p>The delivery machine has {@link Options#cpus} CPUs and {@link Options#vectors} NIC queues on
 * as many MSI-X vectors (NICs of at most 2,048, the MSI-X table limit), managed ones when there are
 * no more vectors than CPUs (one per CPU when they are equal), with traffic on all queues. One run builds the machine (untimed), then times
 * {@link RunRuntime#runToQuiescence}: every interrupt goes traffic event, device completion, MSI-X
 * message, remapping unit (when there is one), platform bus, local APIC, common_interrupt,
 * handle_edge_irq, the driver's handler and its register writes. Every run uses the same seed, so
 * every run delivers the same count; a difference is reported as an error. The JIT warms up for a
 * wall-clock time first; the measured runs give min, median and max.
 *
 * <p>Wall-clock time is read only here: nothing measured feeds back into a simulation.
 */
public final class DeliveryBench {
  private DeliveryBench() {}

  /** The x86 vectors one CPU can give devices (FIRST_SYSTEM_VECTOR 0xeb minus 0x20, minus the system map). */
  static final int VECTORS_PER_CPU = 201;
  /** The MSI-X table limit: larger vector counts are spread over several NICs. */
  static final int MAX_TABLE = 2048;

  /**
   * Sizes of the benchmark.
   *
   * @param cpus CPUs of the delivery machine (above 255: x2APIC, so remapping)
   * @param vectors NIC queues and managed MSI-X vectors (over NICs of at most 2,048)
   * @param totalRate traffic of all queues together, completions per simulated second (each queue
   *     gets {@code totalRate / vectors}, so every size delivers about as many interrupts per run)
   * @param simulatedNs simulated traffic time of one run
   * @param warmupNs wall-clock time of delivery runs (each followed by a bare loop) before measuring
   * @param measureRuns delivery runs measured, each followed by its bare loop
   * @param seed the seed of every run
   * @param remapping {@code none}, {@code intel}, or {@code auto} (intel above 255 CPUs, which need it)
   * @param heapCpus CPUs of the heap machine (enough vectors for all its interrupts)
   * @param heapNics NICs of the heap machine
   * @param heapVectors MSI-X vectors of each (at most 2048, the MSI-X table limit)
   * @param measureHeap whether to measure heap bytes per interrupt at all
   */
  public record Options(
      int cpus,
      int vectors,
      long totalRate,
      long simulatedNs,
      long warmupNs,
      int measureRuns,
      long seed,
      String remapping,
      int heapCpus,
      int heapNics,
      int heapVectors,
      boolean measureHeap) {

    public Options {
      if (cpus < 1 || cpus > irqlab.kernel.cpu.CpuMask.MAX_CPUS || vectors < 1 || vectors > 1 << 20
          || totalRate < vectors || simulatedNs < 1 || warmupNs < 0 || measureRuns < 1 || seed < 0
          || !(remapping.equals("none") || remapping.equals("intel") || remapping.equals("auto"))) {
        throw new IllegalArgumentException("bad delivery bench sizes: " + this);
      }
      if (measureHeap && (heapCpus < 1 || heapNics < 1 || heapVectors < 1 || heapVectors > MAX_TABLE)) {
        throw new IllegalArgumentException("bad heap bench sizes: " + this);
      }
    }

    /**
     * 64 CPUs, 64 vectors at 500k/s each (32M/s) for 40 ms per run (about 1.28M interrupts a
     * run), 3 s of warm-up and 15 measured runs; heap: 16 NICs with 2048 vectors each on 255 CPUs
     * (32768 interrupts). About 15 to 25 s in all.
     */
    public static Options defaults() {
      return new Options(64, 64, 32_000_000L, 40_000_000L, 3_000_000_000L, 15, 1, "auto", 255, 16, MAX_TABLE, true);
    }

    /** Tiny sizes for tests: a few thousand interrupts and a small heap probe. */
    public static Options smoke() {
      return new Options(8, 8, 800_000, 2_000_000L, 0, 2, 1, "auto", 8, 2, 64, true);
    }

    /** Another delivery machine: {@code ratePerQueue} per queue. */
    public Options withDelivery(int cpus, int vectors, long ratePerQueue, long simulatedNs) {
      return new Options(cpus, vectors, ratePerQueue * vectors, simulatedNs, warmupNs, measureRuns, seed,
          remapping, heapCpus, heapNics, heapVectors, measureHeap);
    }

    /** Another machine size with the same total traffic. */
    public Options withSize(int cpus, int vectors) {
      return new Options(cpus, vectors, Math.max(totalRate, vectors), simulatedNs, warmupNs, measureRuns, seed,
          remapping, heapCpus, heapNics, heapVectors, measureHeap);
    }

    public Options withRuns(long warmupNs, int measureRuns) {
      return new Options(cpus, vectors, totalRate, simulatedNs, warmupNs, measureRuns, seed,
          remapping, heapCpus, heapNics, heapVectors, measureHeap);
    }

    public Options withSeed(long seed) {
      return new Options(cpus, vectors, totalRate, simulatedNs, warmupNs, measureRuns, seed,
          remapping, heapCpus, heapNics, heapVectors, measureHeap);
    }

    public Options withRemapping(String remapping) {
      return new Options(cpus, vectors, totalRate, simulatedNs, warmupNs, measureRuns, seed,
          remapping, heapCpus, heapNics, heapVectors, measureHeap);
    }

    public Options withHeap(int heapCpus, int heapNics, int heapVectors) {
      return new Options(cpus, vectors, totalRate, simulatedNs, warmupNs, measureRuns, seed,
          remapping, heapCpus, heapNics, heapVectors, true);
    }

    public Options withoutHeap() {
      return new Options(cpus, vectors, totalRate, simulatedNs, warmupNs, measureRuns, seed,
          remapping, heapCpus, heapNics, heapVectors, false);
    }

    /** Traffic per queue per simulated second. */
    public long ratePerQueue() {
      return Math.max(1, totalRate / vectors);
    }

    /** The remapping the delivery machine gets: {@code auto} is intel exactly when x2APIC needs it. */
    public String effectiveRemapping() {
      return remapping.equals("auto")
          ? (cpus > irqlab.scenario.MachineSpec.MAX_XAPIC_CPUS ? "intel" : "none") : remapping;
    }

    /**
     * Why this machine cannot exist, or null: more vectors than its CPUs can give (201 each,
     * irq_matrix_alloc's ENOSPC), or more remapped interrupts than a remapping table has.
     */
    public String infeasible() {
      long perCpu = (vectors + (long) cpus - 1) / cpus;
      if (perCpu > VECTORS_PER_CPU) {
        return String.format(Locale.ROOT, "%,d vectors on %,d CPUs are %,d per CPU, but a CPU has %d for"
            + " devices: the vector allocation fails with ENOSPC (at least %,d CPUs are needed)",
            vectors, cpus, perCpu, VECTORS_PER_CPU, (vectors + VECTORS_PER_CPU - 1) / VECTORS_PER_CPU);
      }
      if (effectiveRemapping().equals("intel") && vectors > irqlab.kernel.iommu.IntelIommu.INTR_REMAP_TABLE_ENTRIES) {
        return String.format(Locale.ROOT, "%,d remapped vectors do not fit the %,d entries of a remapping table",
            vectors, irqlab.kernel.iommu.IntelIommu.INTR_REMAP_TABLE_ENTRIES);
      }
      if (effectiveRemapping().equals("none") && cpus > irqlab.scenario.MachineSpec.MAX_XAPIC_CPUS) {
        return cpus + " CPUs need x2APIC, which Linux enables only with interrupt remapping";
      }
      return null;
    }
  }

  /** One measured pair: a delivery run and the bare loop after it. */
  record Sample(long delivered, long events, long nanos, long allocatedBytes, long bareNanos, long bareOps,
      long cpuNanos, long bareCpuNanos) {
    double irqPerSecond() {
      return delivered / (Math.max(1, nanos) / 1e9);
    }

    /** Time per model event over time per bare-loop event. */
    double ratio() {
      return ((double) nanos / Math.max(1, events)) / ((double) Math.max(1, bareNanos) / Math.max(1, bareOps));
    }

    /** The same from the thread's CPU time: what a neighbour's load on a shared core does not move. */
    double cpuRatio() {
      return ((double) cpuNanos / Math.max(1, events)) / ((double) Math.max(1, bareCpuNanos) / Math.max(1, bareOps));
    }

    double cpuNanosPerIrq() {
      return (double) cpuNanos / Math.max(1, delivered);
    }
  }

  /**
   * Runs the whole benchmark: warm-up for {@link Options#warmupNs}, then measured delivery runs
   * each followed by a bare loop of the same number of queue operations (interleaved, so that a
   * noisy neighbour slows both alike), then the heap probes.
   */
  public static BenchResult runDelivery(Options o) {
    String why = o.infeasible();
    if (why != null) {
      throw new IllegalArgumentException(why);
    }
    Scenario s = deliveryScenario(o);
    int width = o.vectors();
    long warmEnd = System.nanoTime() + o.warmupNs();
    int warmupRuns = 0;
    do {
      Sample w = sample(s, o.seed(), width, o.ratePerQueue());
      warmupRuns++;
      if (w.delivered() == 0) {
        throw new IllegalStateException("the delivery machine delivered nothing");
      }
    } while (System.nanoTime() < warmEnd);
    Sample[] runs = new Sample[o.measureRuns()];
    long delivered = 0;
    long events = 0;
    long nanos = 0;
    long bareNanos = 0;
    long bareOps = 0;
    long allocated = 0;
    for (int i = 0; i < runs.length; i++) {
      Sample r = sample(s, o.seed(), width, o.ratePerQueue());
      if (i > 0 && r.delivered() != runs[0].delivered()) {
        throw new IllegalStateException("runs with the same seed delivered " + runs[0].delivered() + " and "
            + r.delivered() + " interrupts: the model is not deterministic");
      }
      runs[i] = r;
      delivered += r.delivered();
      events += r.events();
      nanos += r.nanos();
      bareNanos += r.bareNanos();
      bareOps += r.bareOps();
      allocated += r.allocatedBytes();
    }
    double[] rates = new double[runs.length];
    double[] ratios = new double[runs.length];
    double[] cpuRatios = new double[runs.length];
    double[] cpuNs = new double[runs.length];
    for (int i = 0; i < runs.length; i++) {
      rates[i] = runs[i].irqPerSecond();
      ratios[i] = runs[i].ratio();
      cpuRatios[i] = runs[i].cpuRatio();
      cpuNs[i] = runs[i].cpuNanosPerIrq();
    }
    double wall = Math.max(1, nanos) / 1e9;
    double bareWall = Math.max(1, bareNanos) / 1e9;
    double heapPerIrq = -1;
    long irqs = 0;
    double deliveryHeap = -1;
    if (o.measureHeap()) {
      // A small probe first, so that class loading and first-use caches are not counted.
      heapProbe(new Options(o.cpus(), o.vectors(), o.totalRate(), o.simulatedNs(), 0, 1, o.seed(), o.remapping(),
          Math.min(o.heapCpus(), 8), 1, Math.min(o.heapVectors(), 64), true));
      HeapProbe h = heapProbe(o);
      heapPerIrq = h.bytesPerIrq();
      irqs = h.irqs();
      deliveryHeap = probe(s, o.seed(), o.vectors()).bytesPerIrq();
    }
    // Per event: (delivery time / events) / (bare time / bare ops).
    double ratio = (wall / Math.max(1, events)) / (bareWall / Math.max(1, bareOps));
    return new BenchResult(delivered / wall, Stats.of(rates), ratio, Stats.of(ratios), delivered, wall, events,
        bareOps / bareWall, bareWall, runs.length, warmupRuns, o.cpus(), o.vectors(), o.effectiveRemapping(),
        (double) allocated / Math.max(1, delivered), Stats.of(cpuNs), Stats.of(cpuRatios), deliveryHeap, heapPerIrq,
        irqs);
  }

  /** Minimum, median and maximum of a few measurements. */
  public record Stats(double min, double median, double max) {
    public static Stats of(double[] v) {
      double[] c = v.clone();
      java.util.Arrays.sort(c);
      int n = c.length;
      return new Stats(c[0], n % 2 == 1 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2, c[n - 1]);
    }
  }

  // ---- delivery ----

  /** The YAML of the delivery machine. */
  public static String deliveryYaml(Options o) {
    StringBuilder b = new StringBuilder();
    b.append("name: bench-delivery\n");
    b.append(String.format(Locale.ROOT, "description: %d CPUs, %d NIC queues on managed MSI-X vectors, traffic on all%n",
        o.cpus(), o.vectors()));
    b.append("seed: ").append(o.seed()).append('\n');
    b.append("machine:\n  cpus: ").append(o.cpus()).append('\n');
    if (o.effectiveRemapping().equals("intel")) {
      b.append("  remapping: intel\n");
    }
    int nics = (o.vectors() + MAX_TABLE - 1) / MAX_TABLE;
    StringBuilder drivers = new StringBuilder("drivers:\n");
    StringBuilder timeline = new StringBuilder("timeline:\n");
    b.append("devices:\n");
    for (int i = 0; i < nics; i++) {
      int n = Math.min(MAX_TABLE, o.vectors() - i * MAX_TABLE);
      b.append(String.format(Locale.ROOT, "  - { id: nic%d, type: nic, msix: { table: %d }, queues: %d }%n",
          i, n, n));
      drivers.append(String.format(Locale.ROOT,
          "  - { device: nic%d, vectors: { min: %d, max: %d, kind: msix, affinity: %s } }%n", i, n, n,
          affinity(o)));
      timeline.append(String.format(Locale.ROOT,
          "  - { at: 0ms, traffic: { device: nic%d, queues: all, rate: %d/s, for: %dns } }%n",
          i, o.ratePerQueue(), o.simulatedNs()));
    }
    return b.append(drivers).append(timeline).toString();
  }

  /**
   * Managed affinity when every vector can have a CPU of its own (managed spreading gives a
   * device at most as many vectors as there are CPUs, irq_calc_affinity_vectors); otherwise none,
   * and the vector allocator spreads them over the CPUs with the most free vectors.
   */
  static String affinity(Options o) {
    return o.vectors() <= o.cpus() ? "managed" : "none";
  }

  public static Scenario deliveryScenario(Options o) {
    return ScenarioParser.parse("bench-delivery", deliveryYaml(o));
  }

  /** One timed run and the bare loop after it. */
  static Sample sample(Scenario s, long seed, int width, long ratePerQueue) {
    Machine m = Simulation.build(s, seed);
    RunRuntime rt = (RunRuntime) m.exec();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long a0 = allocatedBytes();
    long c0 = threads.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    rt.runToQuiescence();
    long t1 = System.nanoTime();
    long c1 = threads.getCurrentThreadCpuTime();
    long a1 = allocatedBytes();
    long bc0 = threads.getCurrentThreadCpuTime();
    long[] b = bareLoop(width, rt.eventsRun(), ratePerQueue);
    long bc1 = threads.getCurrentThreadCpuTime();
    return new Sample(delivered(m), rt.eventsRun(), t1 - t0, Math.max(0, a1 - a0), b[0], b[1], c1 - c0, bc1 - bc0);
  }

  /** Bytes this thread has allocated so far (HotSpot's per-thread counter), or 0 without one. */
  static long allocatedBytes() {
    if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t) {
      return t.getThreadAllocatedBytes(Thread.currentThread().getId());
    }
    return 0;
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
    return probe(s, o.seed(), (long) o.heapNics() * o.heapVectors());
  }

  /**
   * Heap growth from probing {@code s}'s drivers (time 0, before any traffic completes), divided
   * by the interrupts allocated; every driver must have allocated and requested {@code expected}.
   */
  static HeapProbe probe(Scenario s, long seed, long expected) {
    Machine m = Simulation.build(s, seed);
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

  /** For running from a class path: {@code java irqlab.bench.DeliveryBench [--json] [--smoke] [--no-heap]}. */
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
