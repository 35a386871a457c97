package irqlab.sim;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.scenario.BuiltinScenarios;
import irqlab.scenario.Scenario;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The explorer on the MSI-X affinity race: run mode never shows the torn message of the
 * msix-unmasked-update variant; explore mode finds it and its schedule id replays it exactly; the
 * default design (entry masked during the update) survives the same exploration.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ExploreFindReplayTest {
  private final Scenario bad = BuiltinScenarios.load("msix-affinity-race-unmasked");
  private final Scenario good = BuiltinScenarios.load("msix-affinity-race");

  @Test
  void runModeNeverShowsTheTornMessage() {
    for (long seed = 1; seed <= 20; seed++) {
      RunResult r = Simulation.run(bad, seed);
      assertThat(r.violations()).as("seed %d", seed).isEmpty();
    }
  }

  @Test
  void exploreFindsTheTornMessageAndReplaysIt() {
    Exploration.Report rep = ExploreTesting.explore(bad, "delay", 1, 200, 2, 1);
    assertThat(rep.failed()).isPositive();
    assertThat(ExploreTesting.kinds(rep)).contains(Violation.NO_HANDLER);
    Exploration.Outcome first = rep.firstFailure();

    Exploration.Replay a = ExploreTesting.replay(bad, first.id());
    Exploration.Replay b = ExploreTesting.replay(bad, first.id());
    assertThat(a.outcome()).isEqualTo(first);
    assertThat(a.schedule().decisionLog()).isNotEmpty().isEqualTo(b.schedule().decisionLog());
    assertThat(a.result().violations()).isEqualTo(b.result().violations());
    assertThat(a.result().violations()).anySatisfy(v -> {
      assertThat(v.kind()).isEqualTo(Violation.NO_HANDLER);
      assertThat(v.detail()).contains("on CPU 1");
    });
    assertThat(a.result().dmesg()).anySatisfy(l -> assertThat(l.text()).matches("No irq handler for [0-9]+\\.[0-9]+"));
  }

  @Test
  void theDefaultDesignSurvivesTheSameExploration() {
    for (String strategy : new String[] {"delay", "pos", "random", "pct-3"}) {
      Exploration.Report r = ExploreTesting.explore(good, strategy, 1, 300, 2, 1);
      assertThat(r.failed()).as("%s: %s", strategy, r.firstFailure()).isZero();
      assertThat(r.explored()).isEqualTo(300);
    }
  }

  @Test
  void theReportDoesNotDependOnTheNumberOfJobs() {
    Exploration.Report one = ExploreTesting.explore(bad, "delay", 7, 60, 1, 100);
    Exploration.Report two = ExploreTesting.explore(bad, "delay", 7, 60, 2, 100);
    assertThat(two).isEqualTo(one);
  }
}
