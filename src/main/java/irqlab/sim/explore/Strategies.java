package irqlab.sim.explore;

/** Builds strategies from their names: {@code random}, {@code pct-D} and {@code pct-D-K}. */
public final class Strategies {
  private Strategies() {}

  /** The strategy of schedule {@code id}, seeded with the schedule's own seed. */
  public static Strategy forId(ScheduleId id) {
    return of(id.strategy(), id.seed());
  }

  public static Strategy of(String name, long seed) {
    if (name.equals("random")) {
      return new RandomStrategy(seed);
    }
    if (name.startsWith("pct-")) {
      String[] parts = name.substring(4).split("-");
      try {
        if (parts.length == 1) {
          return new PctStrategy(seed, Integer.parseInt(parts[0]));
        }
        if (parts.length == 2) {
          return new PctStrategy(seed, Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad pct strategy " + name + ": use pct-D or pct-D-K", e);
      }
    }
    throw new IllegalArgumentException(
        "unknown strategy " + name + ": use random, pct-D or pct-D-K (depth D, expected steps K)");
  }
}
