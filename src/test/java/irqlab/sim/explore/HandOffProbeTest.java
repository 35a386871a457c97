package irqlab.sim.explore;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.exec.Actor;
import irqlab.exec.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** Rough cost of a baton hand-off; run with -Dirqlab.probe=true, never timed in CI. */
@EnabledIfSystemProperty(named = "irqlab.probe", matches = "true")
class HandOffProbeTest {
  /** Always switches to another actor when one is enabled, so every step is a hand-off. */
  static final class Alternate implements Strategy {
    @Override
    public String name() {
      return "alternate";
    }

    @Override
    public int pick(Decision d) {
      for (int i = 0; i < d.actorCount(); i++) {
        if (i != d.previous() && i != 0 && d.enabled(i)) {
          return i;
        }
      }
      return d.enabledCount() == 0 ? -1 : d.enabledId(0);
    }
  }

  static double nanosPerStep(Strategy strategy, int points) {
    try (ExploreRuntime rt = new ExploreRuntime(1, strategy, 10_000_000)) {
      for (int t = 0; t < 2; t++) {
        Actor a = rt.newActor("t" + t, Actor.Kind.TASK, -1);
        rt.schedule(Event.of(a, () -> {
          for (int i = 0; i < points; i++) {
            rt.point("p");
          }
        }), 0);
      }
      long start = System.nanoTime();
      rt.runToQuiescence();
      return (System.nanoTime() - start) / (double) rt.steps();
    }
  }

  @Test
  void measure() {
    for (int round = 0; round < 3; round++) {
      double alt = nanosPerStep(new Alternate(), 100_000);
      double rnd = nanosPerStep(new RandomStrategy(round), 100_000);
      System.out.printf("%s threads: hand-off every step: %.0f ns/step; random walk: %.0f ns/step%n",
          Carriers.Mode.auto(), alt, rnd);
      assertThat(alt).isPositive();
    }
  }
}
