package irqlab.kernel;

import irqlab.exec.Event;

/**
 * A driver's struct timer_list (kernel/time/timer.c): armed with mod_timer for an expiry in
 * jiffies, it runs its callback on the CPU it was armed on (or, that CPU gone, on a live one). A
 * run has to end, so a timer whose expiry lies beyond the kernel's timer horizon ({@link
 * Kernel#setTimerHorizon}, the end of the scenario's timeline) is not armed: periodic driver
 * timers stop there.
 */
public final class KernelTimer {
  private final Kernel k;
  private final Runnable callback;
  private Event event;

  public KernelTimer(Kernel k, Runnable callback) {
    this.k = k;
    this.callback = callback;
  }

  /** mod_timer: (re)arms the timer for jiffy {@code expires} on the calling CPU. */
  public void modTimer(long expires) {
    delTimer();
    long at = Math.max(expires * Kernel.JIFFY_NS, k.exec().now());
    if (at > k.timerHorizon()) {
      return;
    }
    arm(Math.max(k.smpProcessorId(), 0), at);
  }

  private void arm(int cpu, long at) {
    event = Event.of(k.cpuActor(cpu), () -> expire(cpu));
    k.exec().schedule(event, at);
  }

  /**
   * The timer is due on {@code cpu}. A CPU that went offline meanwhile had its timers moved to a
   * live one (timers_dead_cpu migrates them to the CPU running the teardown; irqlab takes the first
   * online CPU): the callback runs there, at once.
   */
  private void expire(int cpu) {
    if (!k.cpuOnline(cpu)) {
      arm(k.onlineMask().firstCpu(), k.exec().now());
      return;
    }
    event = null;
    callback.run();
  }

  /** del_timer: disarms it. */
  public void delTimer() {
    if (event != null && event.isQueued()) {
      k.exec().cancel(event);
    }
    event = null;
  }

  /** The current jiffy. */
  public static long jiffies(Kernel k) {
    return k.exec().now() / Kernel.JIFFY_NS;
  }

  /**
   * round_jiffies on the calling CPU (kernel/time/timer.c __round_jiffies): {@code j}, skewed by 3
   * jiffies per CPU number, rounded to a whole second, down when less than a quarter second past
   * one, else up, and the skew taken off again; the unrounded value when that is not in the
   * future. irqlab's jiffies start at 0 at boot.
   */
  public static long roundJiffies(Kernel k, long j) {
    long original = j;
    int skew = 3 * Math.max(k.smpProcessorId(), 0);
    j += skew;
    long rem = j % Kernel.HZ;
    j = rem < Kernel.HZ / 4 ? j - rem : j - rem + Kernel.HZ;
    j -= skew;
    return j <= jiffies(k) ? original : j;
  }
}
