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
    List<String> unjudgedExpectations) {

  /** A run's result: every expectation judged. */
  public RunResult(String scenario, long seed, int cpus, long endNs, long events, List<IrqStat> irqs,
      List<DeviceStat> devices, List<String> actions, List<KernelLog.Line> dmesg, List<Violation> violations,
      List<String> failedExpectations, String kernel, List<String> variants) {
    this(scenario, seed, cpus, endNs, events, irqs, devices, actions, dmesg, violations, failedExpectations, kernel,
        variants, List.of());
  }

  /** A result of the default kernel (6.12) without variants. */
  public RunResult(String scenario, long seed, int cpus, long endNs, long events, List<IrqStat> irqs,
      List<DeviceStat> devices, List<String> actions, List<KernelLog.Line> dmesg, List<Violation> violations,
      List<String> failedExpectations) {
    this(scenario, seed, cpus, endNs, events, irqs, devices, actions, dmesg, violations, failedExpectations,
        irqlab.kernel.KernelProfile.defaultProfile().name(), List.of());
  }

  /** One interrupt's counts per CPU: handler invocations (kstat) and those no action claimed. */
  public record IrqStat(String name, int irq, String action, long[] delivered, long[] spurious,
      String affinity, String effective) {
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

  /** One device's work and message counts. */
  public record DeviceStat(String id, String bdf, long completed, long outstanding, long messagesSent,
      long messagesHeldPending) {}

  /** The same result judged as explore mode judges a schedule: {@code failed} counts, {@code unjudged} does not. */
  public RunResult judgedAs(List<String> failed, List<String> unjudged) {
    return new RunResult(scenario, seed, cpus, endNs, events, irqs, devices, actions, dmesg, violations,
        List.copyOf(failed), kernel, variants, List.copyOf(unjudged));
  }

  /**
   * True when the run met its expectations. Violations count against it unless the scenario
   * expected exactly those kinds (a known-bad variant shown on purpose).
   */
  public boolean ok() {
    return failedExpectations.isEmpty();
  }
}
