package irqlab.scenario;

import java.math.BigDecimal;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as scenario files and the command line write them: {@code 10us}, {@code 2.5ms}. */
public final class Durations {
  private static final Pattern FORM = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ns|us|ms|s)");
  private static final String[] UNITS = {"s", "ms", "us", "ns"};
  private static final long[] NANOS = {1_000_000_000L, 1_000_000L, 1_000L, 1L};

  private Durations() {}

  /**
   * Nanoseconds in {@code text}; "0" alone is allowed because zero needs no unit.
   *
   * @throws IllegalArgumentException saying what was expected
   */
  public static long parse(String text) {
    if (text.equals("0")) {
      return 0;
    }
    Matcher m = FORM.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "expected a duration like 10us, 2.5ms or 1s (units ns, us, ms, s), got '"
              + text + "'");
    }
    BigDecimal ns =
        new BigDecimal(m.group(1))
            .multiply(BigDecimal.valueOf(nanosPer(m.group(2))))
            .stripTrailingZeros();
    if (ns.scale() > 0) {
      throw new IllegalArgumentException(
          "duration '" + text + "' is not a whole number of nanoseconds");
    }
    if (ns.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw new IllegalArgumentException("duration '" + text + "' is too long");
    }
    return ns.longValueExact();
  }

  /** The shortest exact form: 2500000 -> "2.5ms", 0 -> "0ns". */
  public static String format(long ns) {
    return irqlab.exec.VirtualTime.format(ns);
  }

  private static long nanosPer(String unit) {
    for (int i = 0; i < UNITS.length; i++) {
      if (UNITS[i].equals(unit)) {
        return NANOS[i];
      }
    }
    throw new AssertionError(unit);
  }
}
