package irqlab.sim.explore;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Partial-order sampling (Yuan, Yang, Gu, "Partial Order Aware Concurrency Sampling", CAV 2018):
 * every pending step has a random priority, the enabled step of highest priority runs, and after
 * it runs the pending steps that race with it (same resource unit, not both reads) draw new
 * priorities. A step keeps its priority while it waits, so an actor can be delayed across many
 * steps of others: the long delays races need come with far higher probability than in a random
 * walk.
 */
public final class PosStrategy implements Strategy {
  private static final long SALT = 0x504F53L;
  private final SplittableRandom random;
  private final Priorities prio;
  private long[] seenSteps = new long[0];

  public PosStrategy(long seed) {
    this.random = new SplittableRandom(Seeds.forStrategy(seed, SALT));
    this.prio = new Priorities(random);
  }

  @Override
  public String name() {
    return "pos";
  }

  @Override
  public int pick(Decision d) {
    int n = d.actorCount();
    if (seenSteps.length < n) {
      int old = seenSteps.length;
      seenSteps = Arrays.copyOf(seenSteps, Math.max(n, old * 2));
      Arrays.fill(seenSteps, old, seenSteps.length, -1);
    }
    prio.see(n);
    for (int i = 0; i < n; i++) {
      long s = d.stepsOf(i);
      if (s != seenSteps[i]) {
        // A new pending step: it gets its own priority.
        seenSteps[i] = s;
        prio.redraw(i);
      }
    }
    int x = prio.highestEnabled(d);
    if (x < 0) {
      return -1;
    }
    for (int y = 0; y < n; y++) {
      if (y != x && d.conflict(x, y)) {
        prio.redraw(y);
      }
    }
    return x;
  }
}
