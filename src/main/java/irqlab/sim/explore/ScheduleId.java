package irqlab.sim.explore;

/**
 * Names one schedule of an exploration: the strategy, the seed of the whole run, and the index
 * of the schedule within it. Its string form, for example {@code pct-3:42:17}, is what a user
 * pastes to replay exactly that schedule.
 */
public record ScheduleId(String strategy, long runSeed, int index) {
  public ScheduleId {
    if (strategy == null || strategy.isEmpty() || strategy.indexOf(':') >= 0) {
      throw new IllegalArgumentException("bad strategy name: " + strategy);
    }
    if (index < 0) {
      throw new IllegalArgumentException("negative schedule index: " + index);
    }
  }

  /**
   * Parses {@code strategy:runSeed:index}, exactly as {@link #toString} writes it: another
   * spelling of the numbers ({@code delay:01:2}, {@code delay:+1:2}) is refused, not read as the
   * id it resembles.
   */
  public static ScheduleId parse(String text) {
    String[] parts = text.trim().split(":", -1);
    if (parts.length != 3) {
      throw new IllegalArgumentException("schedule id must be strategy:seed:index, got " + text);
    }
    ScheduleId id;
    try {
      id = new ScheduleId(parts[0], Long.parseLong(parts[1]), Integer.parseInt(parts[2]));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("schedule id must be strategy:seed:index, got " + text, e);
    }
    if (!id.toString().equals(text.trim())) {
      throw new IllegalArgumentException("schedule id must be written as explore prints it: " + id + ", got " + text);
    }
    return id;
  }

  /** The seed of this schedule alone: a pure function of run seed and index, so ids replay. */
  public long seed() {
    return Seeds.mix(runSeed + (index + 1L) * Seeds.GOLDEN);
  }

  public ScheduleId next() {
    return new ScheduleId(strategy, runSeed, index + 1);
  }

  @Override
  public String toString() {
    return strategy + ":" + runSeed + ":" + index;
  }
}
