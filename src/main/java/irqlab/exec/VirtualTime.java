package irqlab.exec;

import java.math.BigDecimal;

/** Virtual time written as scenarios and reports write it: {@code 9.1ms}, {@code 250us}. */
public final class VirtualTime {
  private static final String[] UNITS = {"s", "ms", "us", "ns"};
  private static final long[] NANOS = {1_000_000_000L, 1_000_000L, 1_000L, 1L};

  private VirtualTime() {}

  /** The shortest exact form in the largest unit it reaches: 2500000 -> "2.5ms", 0 -> "0ns". */
  public static String format(long ns) {
    for (int i = 0; i < UNITS.length; i++) {
      if (Math.abs(ns) >= NANOS[i]) {
        return BigDecimal.valueOf(ns).divide(BigDecimal.valueOf(NANOS[i])).stripTrailingZeros().toPlainString()
            + UNITS[i];
      }
    }
    return ns + "ns";
  }
}
