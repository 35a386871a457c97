package irqlab.sim.explore;

import java.util.SplittableRandom;

/** A random walk: every enabled actor is equally likely at every step. */
public final class RandomStrategy implements Strategy {
  private static final long SALT = 0x52414E44L;
  private final SplittableRandom random;

  public RandomStrategy(long seed) {
    this.random = new SplittableRandom(Seeds.forStrategy(seed, SALT));
  }

  @Override
  public String name() {
    return "random";
  }

  @Override
  public int pick(Decision d) {
    int n = d.enabledCount();
    return n == 0 ? -1 : d.enabledId(random.nextInt(n));
  }
}
