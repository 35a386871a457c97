package irqlab.kernel.iommu;

import irqlab.kernel.Kernel;

/**
 * DEFINE_RATELIMIT_STATE with the defaults (lib/ratelimit.c ___ratelimit): at most {@code burst}
 * passes per {@code interval}; when a new interval starts after misses, a warning says how many
 * callbacks of {@code func} were suppressed.
 */
final class Ratelimit {
  /** DEFAULT_RATELIMIT_INTERVAL (5 * HZ) and DEFAULT_RATELIMIT_BURST. */
  static final long DEFAULT_INTERVAL_JIFFIES = 5L * Kernel.HZ;
  static final int DEFAULT_BURST = 10;

  private final Kernel k;
  private final String func;
  private final long intervalJiffies;
  private final int burst;
  private boolean started;
  private long begin;
  private int printed;
  private int missed;

  Ratelimit(Kernel k, String func) {
    this(k, func, DEFAULT_INTERVAL_JIFFIES, DEFAULT_BURST);
  }

  Ratelimit(Kernel k, String func, long intervalJiffies, int burst) {
    this.k = k;
    this.func = func;
    this.intervalJiffies = intervalJiffies;
    this.burst = burst;
  }

  /** __ratelimit(): true when the caller may print. */
  boolean pass() {
    long jiffies = k.exec().now() / Kernel.JIFFY_NS;
    if (!started) {
      started = true;
      begin = jiffies;
    }
    if (jiffies > begin + intervalJiffies) {
      if (missed != 0) {
        k.log().warn(func + ": " + missed + " callbacks suppressed");
        missed = 0;
      }
      begin = jiffies;
      printed = 0;
    }
    if (burst > printed) {
      printed++;
      return true;
    }
    missed++;
    return false;
  }
}
