package irqlab.scenario;

import java.util.List;

/** An expected count, e.g. {@code >= 1000}: an operator and a bound. */
public record Comparison(String op, long value) {
  public static final List<String> OPS = List.of(">=", "<=", "==", ">", "<");

  public Comparison {
    if (!OPS.contains(op)) {
      throw new IllegalArgumentException("unknown operator '" + op + "'");
    }
  }

  public boolean test(long actual) {
    return switch (op) {
      case ">=" -> actual >= value;
      case "<=" -> actual <= value;
      case "==" -> actual == value;
      case ">" -> actual > value;
      default -> actual < value;
    };
  }

  @Override
  public String toString() {
    return op + " " + value;
  }
}
