package irqlab.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import irqlab.hw.PlatformBus;
import irqlab.hw.cpu.Cpu;
import irqlab.hw.devices.AcceleratorDevice;
import irqlab.hw.ims.QueueMemory;
import irqlab.hw.pci.Bdf;
import irqlab.kernel.Kernel;
import irqlab.kernel.Variants;
import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.domain.BusToken;
import irqlab.kernel.drivers.AcceleratorDriver;
import irqlab.kernel.irq.IrqData;
import irqlab.kernel.msi.MsiDevice;
import irqlab.kernel.msi.MsiDomainTemplate;
import irqlab.kernel.msi.MsiParent;
import irqlab.kernel.pci.PciDev;
import irqlab.kernel.pci.PciIms;
import irqlab.sim.run.RunRuntime;
import java.io.UncheckedIOException;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code irqlab bench alloc}: one accelerator with a million IMS interrupts (slot array store):
 * allocate them all (pci_ims_alloc_irq, cookie = queue id), then request and free them in waves
 * as large as the vector space allows (request_irq, free_irq, pci_ims_free_irq), timed on one
 * core; heap bytes per allocated interrupt after full GCs. Reservation mode means the allocated
 * interrupts hold no vectors (checked on the matrix) until they are requested.
 *
 * <p>The platform is the VECTOR domain offering IMS to its children, which no x86 kernel does:
 * with interrupt remapping (the parent that does) every interrupt owns a remapping table entry,
 * and a unit has 65536 of them, so a million IMS interrupts cannot exist at once. The bench
 * measures what is per interrupt in the MSI core, genirq and the vector domain, as the issue's
 * comparison with Linux (irq_desc, msi_desc, irq_data per level) does.
 */
public final class AllocBench {
  private AllocBench() {}

  /**
   * Sizes.
   *
   * @param irqs IMS interrupts (= work queues = IMS slots)
   * @param cpus CPUs (their vectors bound a request wave)
   * @param wave interrupts requested at once
   * @param warmupIrqs interrupts of each unmeasured warm-up round (0: none)
   * @param warmupNs wall-clock time of warm-up rounds (at least one round when warmupIrqs > 0)
   * @param runs measured rounds of {@code irqs}, each on a fresh machine
   */
  public record Options(int irqs, int cpus, int wave, int warmupIrqs, long warmupNs, int runs) {
    public Options {
      if (irqs < 1 || irqs > (1 << 20) || cpus < 1 || cpus > CpuMask.MAX_CPUS || wave < 1 || warmupIrqs < 0
          || warmupNs < 0 || runs < 1) {
        throw new IllegalArgumentException("bad alloc bench sizes: " + this);
      }
    }

    /**
     * A million interrupts on 64 CPUs, requested 10,000 at a time, after 3 s of 200,000-interrupt
     * warm-up rounds; 5 measured rounds.
     */
    public static Options defaults() {
      return new Options(1_000_000, 64, 10_000, 200_000, 3_000_000_000L, 5);
    }

    /** A few thousand, to check that the bench runs. */
    public static Options smoke() {
      return new Options(5_000, 8, 1_000, 1_000, 0, 2);
    }

    public Options withRuns(long warmupNs, int runs) {
      return new Options(irqs, cpus, wave, warmupIrqs, warmupNs, runs);
    }
  }

  /**
   * What was measured; JSON names in snake_case. {@code seconds} and the phases are the median
   * round's, {@code seconds_min/_max} the extremes over the measured rounds; the heap figures are
   * the first measured round's (they do not vary).
   */
  public record Result(int irqs, double seconds, double cpuSeconds, double allocSeconds, double requestSeconds,
      double freeSeconds, double heapBytesPerIrq, double heapBytesPerRequestedIrq, int vectorsHeldAfterAlloc,
      int reservedAfterAlloc, int cpus, int wave, double secondsMin, double secondsMax, int runs, int warmupRounds) {

    Result withRounds(double min, double max, int runs, int warmupRounds, double heap, double heapRequested) {
      return new Result(irqs, seconds, cpuSeconds, allocSeconds, requestSeconds, freeSeconds, heap, heapRequested,
          vectorsHeldAfterAlloc, reservedAfterAlloc, cpus, wave, min, max, runs, warmupRounds);
    }

    public Map<String, Object> fields() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("irqs", irqs);
      m.put("seconds", round(seconds, 1e6));
      m.put("seconds_min", round(secondsMin, 1e6));
      m.put("seconds_max", round(secondsMax, 1e6));
      m.put("runs", runs);
      m.put("warmup_rounds", warmupRounds);
      m.put("heap_bytes_per_irq", round(heapBytesPerIrq, 1e3));
      m.put("cpu_seconds", round(cpuSeconds, 1e6));
      m.put("alloc_seconds", round(allocSeconds, 1e6));
      m.put("request_seconds", round(requestSeconds, 1e6));
      m.put("free_seconds", round(freeSeconds, 1e6));
      m.put("heap_bytes_per_requested_irq", round(heapBytesPerRequestedIrq, 1e3));
      m.put("vectors_held_after_alloc", vectorsHeldAfterAlloc);
      m.put("reserved_after_alloc", reservedAfterAlloc);
      m.put("cpus", cpus);
      m.put("wave", wave);
      return m;
    }

    public String toJson() {
      try {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(fields()) + "\n";
      } catch (JsonProcessingException e) {
        throw new UncheckedIOException(e);
      }
    }

    public String toText() {
      StringBuilder b = new StringBuilder();
      b.append(String.format(Locale.ROOT, "alloc: %,d IMS interrupts allocated, requested and freed in %.3f s on one core%n",
          irqs, seconds));
      b.append(String.format(Locale.ROOT, "  rounds: min %.3f s, median %.3f s, max %.3f s (%d measured after %d warm-up rounds)%n",
          secondsMin, seconds, secondsMax, runs, warmupRounds));
      b.append(String.format(Locale.ROOT, "  allocate %.3f s, request %.3f s, free %.3f s (waves of %,d on %d CPUs)%n",
          allocSeconds, requestSeconds, freeSeconds, wave, cpus));
      b.append(String.format(Locale.ROOT, "  %.3f s of the bench thread's CPU time (wall time counts other processes too)%n",
          cpuSeconds));
      b.append(String.format(Locale.ROOT, "heap: %.1f bytes per allocated interrupt, %.1f more per requested one (%.1f in all)%n",
          heapBytesPerIrq, heapBytesPerRequestedIrq, heapBytesPerIrq + heapBytesPerRequestedIrq));
      b.append(String.format(Locale.ROOT, "vectors held after allocation: %d (global reservations: %,d)%n",
          vectorsHeldAfterAlloc, reservedAfterAlloc));
      return b.toString();
    }

    private static double round(double v, double scale) {
      return Math.rint(v * scale) / scale;
    }
  }

  /** The VECTOR domain as MSI parent, offering IMS as well (see the class comment). */
  static final class ImsOnVector implements MsiParent {
    private final MsiParent vector;

    ImsOnVector(MsiParent vector) {
      this.vector = vector;
    }

    @Override
    public String prefix() {
      return vector.prefix();
    }

    @Override
    public int supportedFlags() {
      return vector.supportedFlags() | MsiDomainTemplate.FLAG_PCI_IMS;
    }

    @Override
    public boolean supportsBus(BusToken token) {
      return token == BusToken.PCI_DEVICE_IMS || vector.supportsBus(token);
    }

    @Override
    public Object allocInfo(MsiDevice dev) {
      return vector.allocInfo(dev);
    }

    @Override
    public int setAffinity(IrqData d, CpuMask mask, boolean force) {
      return vector.setAffinity(d, mask, force);
    }
  }

  /**
   * One machine with the accelerator probed (control interrupt, contexts, IMS domain, no IMS yet);
   * the JMH benchmark builds one per invocation.
   */
  public static final class Rig implements AutoCloseable {
    final RunRuntime rt = new RunRuntime(1);
    final Kernel k;
    final AcceleratorDriver driver;

    public Rig(int irqs, int cpus) {
      List<Cpu> cs = new ArrayList<>();
      for (int i = 0; i < cpus; i++) {
        cs.add(new Cpu(i, i));
      }
      PlatformBus bus = new PlatformBus(rt, cs);
      k = new Kernel(rt, cs, Variants.none(), true);
      QueueMemory mem = new QueueMemory(rt);
      AcceleratorDevice dev = new AcceleratorDevice(rt, bus, Bdf.parse("0000:00:04.0"), "acc0", irqs, 1,
          AcceleratorDevice.Store.DEVICE_ARRAY, irqs, 1, mem);
      PciDev pci = new PciDev(dev);
      PciIms ims = new PciIms(k, k.msiCore(), new ImsOnVector(k.msiParent()), k.msiParentDomain());
      driver = new AcceleratorDriver(k, pci, ims, mem, "acc0", 0, 0, AcceleratorDriver.AffinityPolicy.NONE, null);
      driver.probe(false);
    }

    /**
     * Allocates {@code irqs} IMS interrupts, then requests and frees them {@code wave} at a time,
     * untimed and unmeasured: the path the benchmark times. Returns the interrupts cycled.
     */
    public int allocRequestFree(int irqs, int wave) {
      return cycle(this, irqs, wave, false).irqs();
    }

    @Override
    public void close() {
      rt.close();
    }
  }

  public static Result run(Options o) {
    int warmups = 0;
    if (o.warmupIrqs() > 0) {
      long end = System.nanoTime() + o.warmupNs();
      do {
        try (Rig r = new Rig(o.warmupIrqs(), o.cpus())) {
          cycle(r, o.warmupIrqs(), o.wave(), false);
        }
        warmups++;
      } while (System.nanoTime() < end);
    }
    Result[] rounds = new Result[o.runs()];
    for (int i = 0; i < rounds.length; i++) {
      try (Rig r = new Rig(o.irqs(), o.cpus())) {
        rounds[i] = cycle(r, o.irqs(), o.wave(), i == 0);
      }
    }
    Result[] sorted = rounds.clone();
    java.util.Arrays.sort(sorted, java.util.Comparator.comparingDouble(Result::seconds));
    Result median = sorted[sorted.length / 2];
    return median.withRounds(sorted[0].seconds(), sorted[sorted.length - 1].seconds(), rounds.length, warmups,
        rounds[0].heapBytesPerIrq(), rounds[0].heapBytesPerRequestedIrq());
  }

  private static Result cycle(Rig r, int n, int wave, boolean measureHeap) {
    int held = r.k.matrix().totalAllocated();
    int reserved = r.k.matrix().globalReserved();
    long before = measureHeap ? DeliveryBench.usedHeapAfterGc() : 0;
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    long cpu = 0;
    long c0 = threads.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    for (int q = 0; q < n; q++) {
      r.driver.allocQueueIrq(q);
    }
    long t1 = System.nanoTime();
    cpu += threads.getCurrentThreadCpuTime() - c0;
    long afterAlloc = measureHeap ? DeliveryBench.usedHeapAfterGc() : 0;
    int heldAfter = r.k.matrix().totalAllocated() - held;
    int reservedAfter = r.k.matrix().globalReserved() - reserved;
    if (reservedAfter != n) {
      throw new IllegalStateException(n + " interrupts allocated but " + reservedAfter + " vectors reserved");
    }
    long requestNs = 0;
    long freeNs = 0;
    long perRequested = 0;
    for (int from = 0; from < n; from += wave) {
      int to = Math.min(n, from + wave);
      long ca = threads.getCurrentThreadCpuTime();
      long a = System.nanoTime();
      for (int q = from; q < to; q++) {
        r.driver.requestQueueIrq(q);
      }
      long b = System.nanoTime();
      cpu += threads.getCurrentThreadCpuTime() - ca;
      if (measureHeap && from == 0) {
        perRequested = DeliveryBench.usedHeapAfterGc() - afterAlloc; // untimed
      }
      long cc = threads.getCurrentThreadCpuTime();
      long c = System.nanoTime();
      for (int q = from; q < to; q++) {
        r.driver.releaseQueueIrq(q);
      }
      long d = System.nanoTime();
      cpu += threads.getCurrentThreadCpuTime() - cc;
      requestNs += b - a;
      freeNs += d - c;
    }
    if (r.k.matrix().globalReserved() != reserved || r.k.matrix().totalAllocated() != held) {
      throw new IllegalStateException("vectors or reservations left after freeing every IMS interrupt");
    }
    Reference.reachabilityFence(r);
    double alloc = (t1 - t0) / 1e9;
    double request = requestNs / 1e9;
    double free = freeNs / 1e9;
    return new Result(n, alloc + request + free, cpu / 1e9, alloc, request, free,
        measureHeap ? (double) (afterAlloc - before) / n : -1,
        measureHeap ? (double) perRequested / Math.min(wave, n) : -1,
        heldAfter, reservedAfter, r.k.nrCpus(), wave, 0, 0, 1, 0);
  }

  /** {@code java irqlab.bench.AllocBench [--json] [--smoke]}. */
  public static void main(String[] args) {
    boolean json = false;
    Options o = Options.defaults();
    for (String a : args) {
      switch (a) {
        case "--json" -> json = true;
        case "--smoke" -> o = Options.smoke();
        default -> throw new IllegalArgumentException("unknown argument " + a + "; expected --json or --smoke");
      }
    }
    Result r = run(o);
    System.out.print(json ? r.toJson() : r.toText());
  }
}
