package irqlab.sim.explore;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Where the default strategy aims half of its schedules. A race the oracle can see needs one
 * actor stopped next to another actor's rare write (a free, a list_del, the second half of a
 * message update: something that actor does to that unit at most {@value #RARE} times in the whole
 * run): a reader just before it, or the writer at it while another actor's access comes. One
 * schedule without delays, run once per exploration, lists every such place within the lag a
 * delay may last. An aimed schedule is that run with one delay at one of those places, until the
 * conflicting access or held past it; a thousand schedules reach every rare write of a long
 * schedule, however many steps of steady traffic crowd around it.
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
  public static final RaceTargets NONE = new RaceTargets(List.of(), null, 0, 0);

  private final List<DelaySchedule.Delay> places;
  /** The units where the baseline saw two actors' conflicting accesses within the lag, or null. */
  private final LongCounts contended;
  private final long runSeed;
  private final int candidates;

  private RaceTargets(List<DelaySchedule.Delay> places, LongCounts contended, long runSeed, int candidates) {
    this.places = places;
    this.contended = contended;
    this.runSeed = runSeed;
    this.candidates = candidates;
  }

  /**
   * The targets of an exploration with seed {@code runSeed}, from the places its baseline
   * schedule ({@code delays:RUNSEED:0}) listed around each rare write, the most promising first
   * (the write itself, then the closest step before it). The writes are taken in an order drawn
   * from the seed, round by round: every write's first place, then every write's second, and so
   * on, so a thousand schedules reach every write however many reads crowd around some of them;
   * each place once as a delay until the write and once held past it. A place next to two writes
   * is aimed at once.
   */
  public static RaceTargets of(List<List<DelaySchedule.Delay>> groups, long runSeed) {
    return of(groups, null, runSeed);
  }

  /** As above, with the baseline's contended units for the focused schedules (null: none). */
  static RaceTargets of(List<List<DelaySchedule.Delay>> groups, LongCounts contended, long runSeed) {
    List<List<DelaySchedule.Delay>> order = new ArrayList<>(groups);
    SplittableRandom r = new SplittableRandom(Seeds.forStrategy(runSeed, SALT));
    for (int i = order.size() - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      List<DelaySchedule.Delay> t = order.get(i);
      order.set(i, order.get(j));
      order.set(j, t);
    }
    java.util.LinkedHashSet<DelaySchedule.Delay> all = new java.util.LinkedHashSet<>();
    int longest = 0;
    for (List<DelaySchedule.Delay> g : order) {
      longest = Math.max(longest, g.size());
    }
    for (int round = 0; round < longest; round++) {
      for (List<DelaySchedule.Delay> g : order) {
        if (round < g.size() && !all.contains(g.get(round))) {
          all.add(g.get(round));
          all.add(g.get(round).held());
        }
      }
    }
    return new RaceTargets(List.copyOf(all), contended, runSeed, all.size() / 2);
  }

  /** The places found, each aimed at twice: until the write, and held past it. */
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

  /**
   * Whether default-strategy schedule {@code index} is a focused one: every fourth (2, 6, 10, ...),
   * random delays as the even schedules make them, but only at units the baseline saw contended.
   * Random delays at every first access stretch a long rare path (a CPU going offline locks a
   * hundred descriptors no one else touches, half of them delayed up to the lag each) from an
   * instant to a millisecond or two, and a race that needs that path to run between two
   * completions of a busy queue (CVE-2024-31076's leak) then hardly ever happens.
   */
  public boolean focused(int index) {
    return contended != null && (index & 3) == 2;
  }

  /** The contended units (see {@link #focused}). */
  LongCounts contended() {
    return contended;
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
