package irqlab.sim;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.scenario.BuiltinScenarios;
import irqlab.scenario.Scenario;
import irqlab.sim.explore.Explorer;
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
    Exploration.Report rep = Exploration.explore(bad, "pct-3", 1, 200, 2, 1, i -> {});
    assertThat(rep.failed()).isPositive();
    assertThat(rep.kinds()).contains(Violation.NO_HANDLER);
    Explorer.Result first = rep.firstFailure();

    Exploration.Replay a = Exploration.replay(bad, first.id());
    Exploration.Replay b = Exploration.replay(bad, first.id());
    assertThat(a.schedule().decisionLog()).isEqualTo(first.decisionLog()).isEqualTo(b.schedule().decisionLog());
    assertThat(a.result().violations()).isEqualTo(b.result().violations());
    assertThat(a.result().violations()).anySatisfy(v -> {
      assertThat(v.kind()).isEqualTo(Violation.NO_HANDLER);
      assertThat(v.detail()).contains("on CPU 1");
    });
    assertThat(a.result().dmesg()).anySatisfy(l -> assertThat(l.text()).endsWith("No irq handler for vector"));
  }

  @Test
  void theDefaultDesignSurvivesTheSameExploration() {
    Exploration.Report pct = Exploration.explore(good, "pct-3", 1, 300, 2, 1, i -> {});
    Exploration.Report rnd = Exploration.explore(good, "random", 1, 300, 2, 1, i -> {});
    assertThat(pct.failed()).as("%s", pct.firstFailure()).isZero();
    assertThat(rnd.failed()).as("%s", rnd.firstFailure()).isZero();
  }

  @Test
  void theReportDoesNotDependOnTheNumberOfJobs() {
    Exploration.Report one = Exploration.explore(bad, "random", 7, 60, 1, 100, i -> {});
    Exploration.Report two = Exploration.explore(bad, "random", 7, 60, 2, 100, i -> {});
    assertThat(two.failed()).isEqualTo(one.failed());
    assertThat(two.failures()).extracting(Explorer.Result::id).isEqualTo(one.failures().stream().map(Explorer.Result::id).toList());
  }
}
