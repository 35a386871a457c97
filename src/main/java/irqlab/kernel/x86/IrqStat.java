package irqlab.kernel.x86;

import irqlab.kernel.Kernel;

/**
 * The per-CPU counters of arch_show_interrupts that irqlab can keep honestly (irq_cpustat_t,
 * mce_poll_count): local timer interrupts, one per HZ tick while the CPU is online (LOC: the
 * tick runs whatever the CPU does; irqlab models no idle tick suppression), and machine check
 * polls, one when the CPU comes up (__mcheck_cpu_init_generic) and one per check interval (300 s)
 * online (MCP). Counted from virtual time, without events.
 */
public final class IrqStat {
  /** mce check_interval (arch/x86/kernel/cpu/mce/core.c): 5 minutes. */
  public static final long MCE_CHECK_INTERVAL_NS = 300_000_000_000L;

  private final Kernel k;
  private final long[] ticksBefore;
  private final long[] pollsBefore;
  private final long[] onlineSince;

  public IrqStat(Kernel k, int cpus) {
    this.k = k;
    this.ticksBefore = new long[cpus];
    this.pollsBefore = new long[cpus];
    this.onlineSince = new long[cpus];
    for (int c = 0; c < cpus; c++) {
      pollsBefore[c] = 1;
    }
  }

  void cpuDown(int cpu) {
    long now = k.exec().now();
    ticksBefore[cpu] += ticks(onlineSince[cpu], now);
    pollsBefore[cpu] += (now - onlineSince[cpu]) / MCE_CHECK_INTERVAL_NS;
    onlineSince[cpu] = -1;
  }

  void cpuUp(int cpu) {
    onlineSince[cpu] = k.exec().now();
    pollsBefore[cpu]++;
  }

  private static long ticks(long from, long to) {
    return to / Kernel.JIFFY_NS - from / Kernel.JIFFY_NS;
  }

  /** apic_timer_irqs: HZ ticks while online. */
  public long localTimer(int cpu) {
    long now = k.exec().now();
    return ticksBefore[cpu] + (onlineSince[cpu] >= 0 ? ticks(onlineSince[cpu], now) : 0);
  }

  /** mce_poll_count. */
  public long machineCheckPolls(int cpu) {
    long now = k.exec().now();
    return pollsBefore[cpu] + (onlineSince[cpu] >= 0 ? (now - onlineSince[cpu]) / MCE_CHECK_INTERVAL_NS : 0);
  }
}
