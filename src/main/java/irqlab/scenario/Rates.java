package irqlab.scenario;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Event rates as scenario files write them: {@code 500/s}, {@code 100k/s}, {@code 1.5M/s}. */
public final class Rates {
  /** Time has nanosecond resolution, so one event per nanosecond is the most a source can do. */
  public static final double MAX_PER_SECOND = 1e9;

  private static final Pattern FORM = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)([kM]?)/s");

  private Rates() {}

  /**
   * Events per second in {@code text}.
   *
   * @throws IllegalArgumentException saying what was expected
   */
  public static double parse(String text) {
    Matcher m = FORM.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "expected a rate like 500/s, 100k/s or 2M/s, got '" + text + "'");
    }
    double scale = switch (m.group(2)) {
      case "k" -> 1e3;
      case "M" -> 1e6;
      default -> 1;
    };
    double rate = Double.parseDouble(m.group(1)) * scale;
    if (!(rate > 0)) {
      throw new IllegalArgumentException("expected a rate above 0/s, got '" + text + "'");
    }
    if (rate > MAX_PER_SECOND) {
      throw new IllegalArgumentException(
          "rate '" + text + "' is above the maximum of 1000M/s (one event per nanosecond)");
    }
    return rate;
  }
}
