package irqlab.sim.explore;

/**
 * Builds strategies from the names schedule ids carry: {@code delay} (the default), {@code pos},
 * {@code random}, {@code pct-D-K} and {@code delays-...} (a delay schedule: a shrunk failure or an
 * exhaustive interleaving). A name is accepted only in the exact form the strategy itself gives
 * (so an id replays only as what explore ran), except that {@code pct-D} means depth D over the
 * default K.
 */
public final class Strategies {
  /** The strategy explore uses when none is named. */
  public static final String DEFAULT = DelayStrategy.NAME;

  private Strategies() {}

  /** The strategy of schedule {@code id}, seeded with the schedule's own seed. */
  public static Strategy forId(ScheduleId id) {
    return forId(id, RaceTargets.NONE);
  }

  /**
   * The strategy of schedule {@code id} of an exploration whose baseline run found {@code
   * targets}: the default strategy's odd schedules aim a delay at one of them.
   */
  public static Strategy forId(ScheduleId id, RaceTargets targets) {
    if (id.strategy().equals(DelayStrategy.NAME) && targets.runSeed() == id.runSeed()) {
      DelaySchedule.Delay aim = targets.aimed(id.index());
      if (aim != null) {
        return new RaceTargets.Aimed(aim, id.runSeed());
      }
      if (targets.focused(id.index())) {
        return new DelayStrategy(id.seed(), targets.contended());
      }
    }
    Strategy s = of(id.strategy(), id.seed());
    if (!s.name().equals(id.strategy())) {
      throw new IllegalArgumentException("schedule ids name the strategy as " + s.name() + ", not " + id.strategy()
          + " (replay takes the ids explore prints)");
    }
    return s;
  }

  public static Strategy of(String name, long seed) {
    switch (name) {
      case "delay":
        return new DelayStrategy(seed);
      case "pos":
        return new PosStrategy(seed);
      case "random":
        return new RandomStrategy(seed);
      default:
        break;
    }
    if (name.equals(DelaySchedule.PREFIX) || name.startsWith(DelaySchedule.PREFIX + "-")) {
      return DelaySchedule.parse(name);
    }
    if (name.startsWith("pct-")) {
      String[] parts = name.substring(4).split("-", -1);
      try {
        if (parts.length == 1) {
          return new PctStrategy(seed, Integer.parseInt(parts[0]));
        }
        if (parts.length == 2) {
          return new PctStrategy(seed, Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad pct strategy " + name + ": use pct-D or pct-D-K (numbers)");
      }
    }
    throw new IllegalArgumentException("unknown strategy " + name
        + ": expected delay, pos, random, pct, pct-D or pct-D-K (depth D, expected steps K), or exhaustive");
  }
}
