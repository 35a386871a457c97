package irqlab.sim.explore;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Where the default strategy aims half of its schedules. A race the oracle can see needs one
 * actor stopped just before an access that another actor's rare write (a free, a list_del, the
 * second half of a message update: something that actor does to that unit at most {@value #RARE}
 * times in the whole run) is about to conflict with. One schedule without delays, run once per
 * exploration, lists every such place: a step of one actor that the rare write of another follows
 * within the lag a delay may last. An aimed schedule is that run with one delay at one of those
 * places, until the write comes or held past it; the places are taken in a seeded order, each
 * once in each form, so a thousand schedules cover a few hundred places whatever the length of
 * the steady traffic around them.
 *
 * <p>Why: a delay strategy that picks its places at random finds a two-step window in a 20 ms
 * schedule of 60,000 steps in about one schedule of a hundred (the 2015 VMD teardown), because
 * the step to delay is the thousandth read of a busy line. The baseline run knows which reads a
 * rare write follows.
 */
public final class RaceTargets {
  /** A write is rare when its actor makes at most this many to the unit in the baseline run. */
  public static final int RARE = 3;
  private static final long SALT = 0x5441524745L;
  /** No targets: every schedule of the default strategy is a random-delay one. */
  public static final RaceTargets NONE = new RaceTargets(List.of(), 0, 0);

  private final List<DelaySchedule.Delay> places;
  private final long runSeed;
  private final int candidates;

  private RaceTargets(List<DelaySchedule.Delay> places, long runSeed, int candidates) {
    this.places = places;
    this.runSeed = runSeed;
    this.candidates = candidates;
  }

  /**
   * The targets of an exploration with seed {@code runSeed}, from the places its baseline
   * schedule ({@code delays:RUNSEED:0}) listed: each as a delay until the write and held past it,
   * in an order drawn from the seed.
   */
  public static RaceTargets of(List<DelaySchedule.Delay> candidates, long runSeed) {
    List<DelaySchedule.Delay> all = new ArrayList<>(2 * candidates.size());
    for (DelaySchedule.Delay c : candidates) {
      all.add(c);
      all.add(c.held());
    }
    SplittableRandom r = new SplittableRandom(Seeds.forStrategy(runSeed, SALT));
    for (int i = all.size() - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      DelaySchedule.Delay t = all.get(i);
      all.set(i, all.get(j));
      all.set(j, t);
    }
    return new RaceTargets(List.copyOf(all), runSeed, candidates.size());
  }

  /** The places found (each is aimed at twice: until the write, and held past it). */
  public int candidates() {
    return candidates;
  }

  /** The run seed these targets belong to. */
  public long runSeed() {
    return runSeed;
  }

  /** The id of the baseline run the places come from; aimed schedules run with its model seed. */
  public static ScheduleId baseline(long runSeed) {
    return new ScheduleId(DelaySchedule.PREFIX, runSeed, 0);
  }

  /**
   * The aimed delay of default-strategy schedule {@code index}, or null when it is a random-delay
   * one: odd indexes take the places in order, until every place has been aimed at.
   */
  public DelaySchedule.Delay aimed(int index) {
    if ((index & 1) == 0) {
      return null;
    }
    int k = index >>> 1;
    return k < places.size() ? places.get(k) : null;
  }

  /** The schedule of one aimed delay, named as the default strategy (its id replays it). */
  static final class Aimed implements Strategy {
    private final DelaySchedule inner;
    private final DelaySchedule.Delay delay;
    private final long modelSeed;

    Aimed(DelaySchedule.Delay delay, long runSeed) {
      this.inner = new DelaySchedule(List.of(delay));
      this.delay = delay;
      this.modelSeed = baseline(runSeed).seed();
    }

    @Override
    public String name() {
      return DelayStrategy.NAME;
    }

    @Override
    public long modelSeed(long scheduleSeed) {
      return modelSeed;
    }

    /** The delay aimed at: the schedule is {@code delays-DELAY} on the baseline's model seed. */
    DelaySchedule.Delay delay() {
      return delay;
    }

    @Override
    public int pick(Decision d) {
      return inner.pick(d);
    }
  }
}
