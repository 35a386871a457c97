package irqlab.sim;

import irqlab.kernel.KernelLog;
import java.util.List;

/**
 * What a run produced: per-interrupt and per-device counts, the action log, the kernel log, the
 * oracle's violations and the expectations that failed, and the kernel version and variants it
 * ran. Everything in it is deterministic for a scenario and seed. {@code unjudgedExpectations}:
 * for a replayed explore schedule, the {@code delivered} and {@code spurious} expectations it
 * missed, which explore mode does not judge (see {@link Exploration}); empty for a run.
 */
public record RunResult(
    String scenario,
    long seed,
    int cpus,
    long endNs,
    long events,
    List<IrqStat> irqs,
    List<DeviceStat> devices,
    List<String> actions,
    List<KernelLog.Line> dmesg,
    List<Violation> violations,
    List<String> failedExpectations,
    String kernel,
    List<String> variants,
    List<VmdStat> vmds,
    Stop stopped,
    List<String> unjudgedExpectations) {

  /** A result of the default kernel (6.12) without variants, of a run that ended. */
  public RunResult(String scenario, long seed, int cpus, long endNs, long events, List<IrqStat> irqs,
      List<DeviceStat> devices, List<String> actions, List<KernelLog.Line> dmesg, List<Violation> violations,
      List<String> failedExpectations) {
    this(scenario, seed, cpus, endNs, events, irqs, devices, actions, dmesg, violations, failedExpectations,
        irqlab.kernel.KernelProfile.defaultProfile().name(), List.of());
  }

  /** A run that ended normally (ran to quiescence). */
  public RunResult(String scenario, long seed, int cpus, long endNs, long events, List<IrqStat> irqs,
      List<DeviceStat> devices, List<String> actions, List<KernelLog.Line> dmesg, List<Violation> violations,
      List<String> failedExpectations, String kernel, List<String> variants) {
    this(scenario, seed, cpus, endNs, events, irqs, devices, actions, dmesg, violations, failedExpectations,
        kernel, variants, List.of(), null, List.of());
  }

  /** A run's result: every expectation judged ({@code stopped}: null when the run ended). */
  public RunResult(String scenario, long seed, int cpus, long endNs, long events, List<IrqStat> irqs,
      List<DeviceStat> devices, List<String> actions, List<KernelLog.Line> dmesg, List<Violation> violations,
      List<String> failedExpectations, String kernel, List<String> variants, Stop stopped) {
    this(scenario, seed, cpus, endNs, events, irqs, devices, actions, dmesg, violations, failedExpectations,
        kernel, variants, List.of(), stopped, List.of());
  }

  /**
   * The run reached its work budget ({@code limit} "events" or "time", at most {@code max} events
   * and interrupts, or nanoseconds) and stopped unfinished: {@code nextNs} is when the first event
   * left unrun was due, {@code interrupts} how many interrupts the CPUs took. A stopped run is not
   * judged: the end checks and the expectations need its end.
   */
  public record Stop(String limit, long max, long nextNs, long interrupts) {}

  /**
   * One interrupt's counts per CPU: handler invocations (kstat) and those no action claimed.
   * {@code freed}: the interrupt was freed during the run (msix-free, unbind) and not allocated
   * again; its counts still count, and irq, affinity and action are those it had when freed.
   */
  public record IrqStat(String name, int irq, String action, long[] delivered, long[] spurious,
      String affinity, String effective, boolean freed) {
    /** An interrupt still allocated at the end. */
    public IrqStat(String name, int irq, String action, long[] delivered, long[] spurious, String affinity,
        String effective) {
      this(name, irq, action, delivered, spurious, affinity, effective, false);
    }

    public long deliveredTotal() {
      long s = 0;
      for (long v : delivered) {
        s += v;
      }
      return s;
    }

    public long spuriousTotal() {
      long s = 0;
      for (long v : spurious) {
        s += v;
      }
      return s;
    }
  }

  /**
   * A VMD at the end of the run: its name ("vmd0"), the PCI domain it made, how children's
   * messages reach a CPU (remapped onto its vectors, or bypassing it), its irq domain, and per
   * vector what vmd_next_irq put there and what the handler did.
   */
  public record VmdStat(String id, String name, String bdf, int pciDomain, boolean bypass, String domain,
      int firstVec, List<VmdVector> vectors) {
    /** The most child interrupts one vector had at once: how crowded the spread got. */
    public int childrenPerVector() {
      int m = 0;
      for (VmdVector v : vectors) {
        m = Math.max(m, v.peak());
      }
      return m;
    }

    /** Child handler runs that found nothing to do, on every vector. */
    public long idleChildRuns() {
      long n = 0;
      for (VmdVector v : vectors) {
        n += v.childRuns() - v.claimed();
      }
      return n;
    }
  }

  /**
   * One VMD vector: its MSI-X index, Linux irq and CPU; vmd_irq_list.count (unsigned, as the kernel
   * keeps it); child interrupts assigned now and at most; vmd_irq runs, the generic_handle_irq calls
   * they made, the child handler runs (actions called) and those an action claimed; and the child
   * interrupts assigned now, "(off)" after those not on the list (not enabled).
   */
  public record VmdVector(int index, int irq, String cpu, long count, int assigned, int peak, long runs,
      long childCalls, long childRuns, long claimed, List<String> children) {}

  /**
   * One device's work and message counts; {@code idleArrivals}: traffic that found its queue not
   * running and completed nothing.
   */
  public record DeviceStat(String id, String bdf, long completed, long outstanding, long messagesSent,
      long messagesHeldPending, long idleArrivals) {}

  /** The same result judged as explore mode judges a schedule: {@code failed} counts, {@code unjudged} does not. */
  public RunResult judgedAs(List<String> failed, List<String> unjudged) {
    return new RunResult(scenario, seed, cpus, endNs, events, irqs, devices, actions, dmesg, violations,
        List.copyOf(failed), kernel, variants, vmds, stopped, List.copyOf(unjudged));
  }

  /**
   * True when the run ended and met its expectations. Violations count against it unless the
   * scenario expected exactly those kinds (a known-bad variant shown on purpose).
   */
  public boolean ok() {
    return failedExpectations.isEmpty() && stopped == null;
  }

  /**
   * The verdict: OK, FAILED, or STOPPED for a run its budget ended; a failed probe is named
   * ("FAILED (probe acc0 failed with ENOTSUPP)"), since the run then tested little.
   */
  public String verdict() {
    if (stopped != null) {
      return "STOPPED";
    }
    if (ok()) {
      return "OK";
    }
    List<String> probes = failedProbes();
    return probes.isEmpty() ? "FAILED" : "FAILED (" + String.join("; ", probes) + ")";
  }

  /** The failed expectations about probes: "probe acc0 failed with ENOTSUPP". */
  public List<String> failedProbes() {
    List<String> l = new java.util.ArrayList<>();
    for (String f : failedExpectations) {
      if (f.startsWith("probe ")) {
        int colon = f.indexOf(':');
        int paren = f.indexOf(" (");
        l.add(f.substring(0, colon) + f.substring(colon + 1, paren < 0 ? f.length() : paren));
      }
    }
    return l;
  }
}
