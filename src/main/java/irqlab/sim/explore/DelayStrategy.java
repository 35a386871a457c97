package irqlab.sim.explore;

import irqlab.exec.Resource;
import java.util.SplittableRandom;

/**
 * Random delays at rare accesses (irqlab's default). Actors run by fixed random priorities, so a
 * schedule switches threads rarely; but an actor about to make an access it has made k times
 * before in this schedule (same resource, offset and kind) is delayed with probability 1/(2k):
 * its first access to a register half the time, its hundredth almost never. A delayed actor sits
 * out until another actor makes an access that conflicts with the one it is about to make (same
 * unit, not both reads: the race it waited for has happened), or until it must run because nothing
 * else can or time may not run further ahead of it. One delay in {@value #HOLD_ONE_IN} holds its
 * actor past conflicting accesses until it must run: a long preemption, during which every access
 * of the others sees its half-done work (how a whole burst of messages goes astray). Time moves
 * on (the clock's turn) only when every actor that is not delayed is idle, as in run mode: a
 * schedule is run mode's timing with a few actors held back at a few accesses, so interrupts are
 * taken about when run mode takes them.
 *
 * <p>Why: the windows races need are a CPU between two writes of a rare operation (an affinity
 * move rewriting an MSI-X entry, a hotplug path rewriting an MSI message) while a busy device goes
 * on and its next completion comes due. Rare operations are exactly the accesses an actor seldom
 * makes, wherever they fall in a long schedule, so the chance of delaying one does not fall with
 * the length of steady traffic around it (as PCT's change points do), and a delay lasts as long as
 * the race needs (a random walk's delays shrink geometrically).
 */
public final class DelayStrategy implements Strategy {
  public static final String NAME = "delay";
  private static final long SALT = 0x44454CL;
  /** One delay in this many holds its actor past conflicting accesses. */
  static final int HOLD_ONE_IN = 4;
  private final SplittableRandom random;
  private final Priorities prio;
  private final LongCounts seen = new LongCounts();
  private final DelayedActors held = new DelayedActors();
  private long delaysMade;
  /** Focused: delays only at these units (see {@link RaceTargets#focused}); null: anywhere. */
  private final LongCounts contended;
  /** Focused: at most this many delays in a schedule. */
  static final int FOCUSED_DELAYS = 2;
  private final Sites sites;

  public DelayStrategy(long seed) {
    this(seed, null);
  }

  DelayStrategy(long seed, LongCounts contended) {
    this.random = new SplittableRandom(Seeds.forStrategy(seed, SALT));
    this.prio = new Priorities(random);
    this.contended = contended;
    this.sites = contended == null ? null : new Sites();
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Delays made so far in this schedule. */
  public long delaysMade() {
    return delaysMade;
  }

  @Override
  public int pick(Decision d) {
    int n = d.actorCount();
    prio.see(n);
    held.begin(n);
    int r = d.running();
    if (r >= 0 && d.arrived() && !held.isDelayed(r)) {
      Resource res = d.resource(r);
      if (res != null && (contended == null || delaysMade < FOCUSED_DELAYS && contended(res, d.unit(r)))) {
        long key = ((long) r << 54) ^ ((long) d.access(r).ordinal() << 52) ^ ((long) d.resourceNumber(r) << 36)
            ^ d.offset(r);
        int k = seen.increment(key);
        if (random.nextInt(2 * k) == 0) {
          held.delay(r, d, random.nextInt(HOLD_ONE_IN) == 0);
          delaysMade++;
        }
      }
    }
    int x = choose(d);
    held.chosen(x, d);
    return x;
  }

  private boolean contended(Resource res, long unit) {
    return unit == Resource.ANY_UNIT || contended.get(SiteRecorder.unitKey(sites, res, unit)) > 0;
  }

  private int choose(Decision d) {
    int n = prio.size();
    for (int i = 0; i < n; i++) {
      int id = prio.at(i);
      if (id == 0 || (held.any() && held.isDelayed(id))) {
        continue;
      }
      if (d.enabled(id)) {
        return id;
      }
    }
    // Time moves on only when every actor not delayed is idle, as in run mode.
    if (d.enabled(0)) {
      return 0;
    }
    int holder = d.clockHolder();
    if (holder >= 0) {
      return holder; // a delayed holder must run now: time may not run further ahead of it
    }
    if (held.any()) {
      for (int i = 0; i < n; i++) {
        int id = prio.at(i);
        if (held.isDelayed(id) && d.enabled(id)) {
          return id;
        }
      }
    }
    return -1;
  }
}
