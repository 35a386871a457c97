package irqlab.sim.explore;

/** Seed mixing shared by schedule ids and strategies. */
final class Seeds {
  static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private Seeds() {}

  /** SplitMix64's finaliser: nearby inputs give unrelated outputs. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A strategy's stream, decorrelated from the model's {@code SplittableRandom(seed)}. */
  static long forStrategy(long seed, long salt) {
    return mix(seed ^ mix(salt + GOLDEN));
  }
}
