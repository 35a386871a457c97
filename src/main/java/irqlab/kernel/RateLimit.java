package irqlab.kernel;

/**
 * One call site's printk_ratelimited state (lib/ratelimit.c ___ratelimit with the default
 * interval of 5*HZ and burst of 10): at most ten lines per interval; when a new interval starts,
 * the lines held back are reported as "FUNC: N callbacks suppressed".
 */
public final class RateLimit {
  public static final long INTERVAL_JIFFIES = 5L * Kernel.HZ;
  public static final int BURST = 10;

  private final String func;
  private boolean started;
  private long begin;
  private int printed;
  private int missed;

  /** {@code func} is the calling function's name, as __func__ gives it. */
  public RateLimit(String func) {
    this.func = func;
  }

  /** Whether the caller may print now; reports suppressed lines when an interval has passed. */
  public boolean allow(Kernel k) {
    long jiffies = k.exec().now() / Kernel.JIFFY_NS;
    if (!started) {
      started = true;
      begin = jiffies;
    }
    if (jiffies > begin + INTERVAL_JIFFIES) {
      if (missed > 0) {
        k.log().warn(func + ": " + missed + " callbacks suppressed");
        missed = 0;
      }
      begin = jiffies;
      printed = 0;
    }
    if (printed < BURST) {
      printed++;
      return true;
    }
    missed++;
    return false;
  }
}
