package irqlab.report.html;

import irqlab.kernel.Kernel;
import irqlab.kernel.KernelLog;
import irqlab.kernel.KernelObserver;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.irq.IrqReturn;
import irqlab.sim.Machine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Watches a run for the HTML report without touching it: a kernel observer counts handler runs per
 * CPU and per interrupt in fixed buckets of virtual time, and a matrix snapshot is taken after each
 * action (probes included) and at each kernel log line. It queues no event, draws no random number
 * and changes no state, so the run's results are the same bytes with or without it (tested), in run
 * and in explore mode alike.
 */
public final class RunRecorder implements KernelObserver, Machine.ActionWatch {
  /** Buckets aimed at over the timeline; past {@link #MAX_BUCKETS} neighbours merge and the step doubles. */
  static final int TARGET_BUCKETS = 200;
  static final int MAX_BUCKETS = 400;
  /** Snapshots kept: later actions and log lines still mark the time axis, without a matrix. */
  static final int MAX_SNAPSHOTS = 300;

  /** One series of handler runs per bucket: an interrupt, keyed by its descriptor. */
  static final class Series {
    final String label;
    final int irq;
    long[] counts;

    Series(String label, int irq, int buckets) {
      this.label = label;
      this.irq = irq;
      this.counts = new long[buckets];
    }
  }

  private final Machine machine;
  private final Kernel kernel;
  private final int nCpus;
  private long stepNs;
  private int buckets;
  /** Handler runs per bucket and CPU, flattened: [bucket * nCpus + cpu]. */
  private long[] perCpu;
  private final Map<IrqDesc, Series> byDesc = new IdentityHashMap<>();
  private final List<Series> series = new ArrayList<>();
  private Map<Integer, String> names = Map.of();
  private final Map<String, Integer> rowTable = new LinkedHashMap<>();
  private final List<MatrixSnapshot> snapshots = new ArrayList<>();
  private int droppedSnapshots;

  private RunRecorder(Machine m) {
    this.machine = m;
    this.kernel = m.kernel();
    this.nCpus = kernel.nrCpus();
    this.stepNs = niceStep(Math.max(1, m.endOfTimeline()) / TARGET_BUCKETS);
    this.buckets = 1;
    this.perCpu = new long[nCpus];
  }

  /** Attaches a recorder to a machine that has not started running. */
  public static RunRecorder attach(Machine m) {
    RunRecorder r = new RunRecorder(m);
    m.kernel().addObserver(r);
    m.addActionWatch(r);
    return r;
  }

  /** The smallest 1, 2 or 5 times a power of ten nanoseconds at or above {@code ns}, at least 1 us. */
  static long niceStep(long ns) {
    long p = 1000;
    while (true) {
      for (long f : new long[] {1, 2, 5}) {
        if (f * p >= ns) {
          return f * p;
        }
      }
      p *= 10;
    }
  }

  @Override
  public void handled(IrqDesc desc, int cpu, IrqReturn ret) {
    int b = bucketOf(machine.exec().now());
    perCpu[b * nCpus + cpu]++;
    Series s = byDesc.get(desc);
    if (s == null) {
      s = new Series(labelOf(desc), desc.irq(), perCpu.length / nCpus);
      byDesc.put(desc, s);
      series.add(s);
    }
    s.counts[b]++;
  }

  /** The scenario name of a new descriptor ("nic0/msix/3"), else its action's name. */
  private String labelOf(IrqDesc desc) {
    String n = names.get(desc.irq());
    if (n == null) {
      Map<Integer, String> fresh = new LinkedHashMap<>();
      machine.interruptNames().forEach((name, irq) -> fresh.putIfAbsent(irq, name));
      names = fresh;
      n = fresh.get(desc.irq());
    }
    if (n == null) {
      n = desc.action() != null ? desc.action().name() : "irq " + desc.irq();
    }
    return n;
  }

  private int bucketOf(long now) {
    long b = now / stepNs;
    while (b >= MAX_BUCKETS) {
      fold();
      b = now / stepNs;
    }
    int cap = perCpu.length / nCpus;
    if (b >= cap) {
      int grown = (int) Math.min(MAX_BUCKETS, Math.max(b + 1, cap * 2L));
      perCpu = Arrays.copyOf(perCpu, grown * nCpus);
      for (Series s : series) {
        s.counts = Arrays.copyOf(s.counts, grown);
      }
    }
    buckets = Math.max(buckets, (int) b + 1);
    return (int) b;
  }

  /** Doubles the step: bucket i takes buckets 2i and 2i+1. */
  private void fold() {
    int cap = perCpu.length / nCpus;
    long[] pc = new long[cap * nCpus];
    for (int b = 0; b < cap; b++) {
      for (int c = 0; c < nCpus; c++) {
        pc[(b / 2) * nCpus + c] += perCpu[b * nCpus + c];
      }
    }
    perCpu = pc;
    for (Series s : series) {
      long[] n = new long[cap];
      for (int b = 0; b < cap; b++) {
        n[b / 2] += s.counts[b];
      }
      s.counts = n;
    }
    stepNs *= 2;
    buckets = (buckets + 1) / 2;
  }

  @Override
  public void printk(KernelLog.Line line) {
    snapshot(line.timeNs(), "dmesg", line.text());
  }

  @Override
  public void logged(long timeNs, String entry) {
    int sp = entry.indexOf(' ');
    snapshot(timeNs, "action", sp < 0 ? entry : entry.substring(sp + 1)); // the slider prints the time
  }

  private void snapshot(long t, String kind, String label) {
    if (snapshots.size() >= MAX_SNAPSHOTS) {
      droppedSnapshots++;
      return;
    }
    snapshots.add(MatrixSnapshot.take(kernel, t, kind, label, rowTable));
  }

  /** Takes the end-of-run snapshot; call once the run is over. */
  public void finish(long endNs) {
    snapshots.add(MatrixSnapshot.take(kernel, endNs, "end", "end of run", rowTable));
    bucketOf(endNs); // the time axis reaches the end even when the last buckets are empty
  }

  Machine machine() {
    return machine;
  }

  int cpus() {
    return nCpus;
  }

  long stepNs() {
    return stepNs;
  }

  int buckets() {
    return buckets;
  }

  long perCpu(int bucket, int cpu) {
    return perCpu[bucket * nCpus + cpu];
  }

  List<Series> series() {
    return series;
  }

  List<String> rowTable() {
    return new ArrayList<>(rowTable.keySet());
  }

  List<MatrixSnapshot> snapshots() {
    return snapshots;
  }

  int droppedSnapshots() {
    return droppedSnapshots;
  }
}
