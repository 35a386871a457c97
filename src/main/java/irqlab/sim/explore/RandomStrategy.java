package irqlab.sim.explore;

import irqlab.exec.Actor;
import java.util.List;
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
  public int pick(long step, List<Actor> enabled, Actor previous) {
    return random.nextInt(enabled.size());
  }
}
