package irqlab.sim.explore;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS 2010):
 * actors get random distinct priorities d..d+n-1, the highest-priority enabled actor runs, and at
 * d-1 random steps in [1, k] the actor that just stepped drops to priority 1..d-1. A bug of depth
 * d is found with probability at least 1/(n k^(d-1)) per schedule.
 *
 * <p>Actors appear while the model runs, so n is not known up front: each new actor is inserted
 * at a uniformly random rank among those already seen, which yields a uniform permutation.
 */
public final class PctStrategy implements Strategy {
  /** Expected schedule length when an id says only {@code pct-d}. */
  public static final long DEFAULT_STEPS = 1000;

  private static final long SALT = 0x504354L;
  private final int depth;
  private final long steps;
  private final SplittableRandom random;
  /** Change points sorted by step; {@code lowTo[i]} is the priority given at {@code at[i]}. */
  private final long[] at;
  private final int[] lowTo;
  private int nextChange;
  private final Priorities prio;

  public PctStrategy(long seed, int depth, long steps) {
    if (depth < 1 || steps < 1) {
      throw new IllegalArgumentException("pct needs depth >= 1 and steps >= 1");
    }
    this.depth = depth;
    this.steps = steps;
    this.random = new SplittableRandom(Seeds.forStrategy(seed, SALT));
    this.prio = new Priorities(random);
    int changes = depth - 1;
    long[] points = new long[changes];
    for (int i = 0; i < changes; i++) {
      long p;
      boolean dup;
      do {
        p = 1 + random.nextLong(steps);
        dup = false;
        for (int j = 0; j < i; j++) {
          dup |= points[j] == p;
        }
      } while (dup && changes <= steps);
      points[i] = p;
    }
    // The i-th sampled point carries priority i+1; sort by step but keep that pairing.
    Integer[] idx = new Integer[changes];
    for (int i = 0; i < changes; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, (a, b) -> Long.compare(points[a], points[b]));
    this.at = new long[changes];
    this.lowTo = new int[changes];
    for (int i = 0; i < changes; i++) {
      at[i] = points[idx[i]];
      lowTo[i] = idx[i] + 1;
    }
  }

  public PctStrategy(long seed, int depth) {
    this(seed, depth, DEFAULT_STEPS);
  }

  public int depth() {
    return depth;
  }

  public long steps() {
    return steps;
  }

  @Override
  public String name() {
    return "pct-" + depth + "-" + steps;
  }

  @Override
  public int pick(Decision d) {
    prio.see(d.actorCount());
    long step = d.step();
    while (nextChange < at.length && at[nextChange] <= step) {
      if (at[nextChange] == step) {
        // Priorities 1..d-1 below every initial one: -(d-1)..-1 below [0, 1).
        prio.set(d.previous(), lowTo[nextChange] - depth);
      }
      nextChange++;
    }
    return prio.highestEnabled(d);
  }
}
