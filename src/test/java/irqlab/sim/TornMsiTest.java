package irqlab.sim;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.scenario.BuiltinScenarios;
import irqlab.scenario.Scenario;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The non-maskable MSI affinity race (x86 msi_set_affinity, commit 6f1a4891a592) under the
 * explorer: run mode shows nothing for the default design or the msi-direct-update variant; the
 * explorer finds the variant's torn message within 1,000 PCT schedules and replays it bit for bit,
 * and finds nothing in the default design.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TornMsiTest {
  private final Scenario good = BuiltinScenarios.load("torn-msi");
  private final Scenario bad = BuiltinScenarios.load("torn-msi-direct");

  @Test
  void runModeShowsNothingForEitherDesign() {
    for (long seed = 1; seed <= 10; seed++) {
      for (Scenario s : new Scenario[] {good, bad}) {
        RunResult r = Simulation.run(s, seed);
        assertThat(r.violations()).as("%s seed %d", s.name(), seed).isEmpty();
        assertThat(r.ok()).isTrue();
      }
    }
  }

  @Test
  void exploreFindsTheTornMessageOfTheVariantAndReplaysIt() {
    Exploration.Report rep = ExploreTesting.explore(bad, "delay", 1, 200, 2, 1);
    assertThat(rep.failed()).isPositive();
    assertThat(ExploreTesting.kinds(rep)).containsExactly(Violation.NO_HANDLER);
    Exploration.Outcome first = rep.firstFailure();

    Exploration.Replay a = ExploreTesting.replay(bad, first.id());
    Exploration.Replay b = ExploreTesting.replay(bad, first.id());
    assertThat(a.outcome()).isEqualTo(first);
    assertThat(a.schedule().decisionLog()).isNotEmpty().isEqualTo(b.schedule().decisionLog());
    assertThat(a.result().violations()).isEqualTo(b.result().violations());
    assertThat(a.result().violations()).allSatisfy(v -> {
      assertThat(v.kind()).isEqualTo(Violation.NO_HANDLER);
      assertThat(v.detail()).contains("on CPU 1");
    });
    assertThat(a.result().dmesg()).anySatisfy(l -> assertThat(l.text()).matches("common_interrupt: 1\\.[0-9]+ No irq handler for vector"));
    // The torn message is lost, its work is not: the moving interrupt's own handler drains it.
    assertThat(a.result().devices()).allSatisfy(d -> assertThat(d.outstanding()).isZero());
  }

  @Test
  void theDefaultDesignSurvivesTheSameExploration() {
    Exploration.Report pct = ExploreTesting.explore(good, "delay", 1, 1000, 2, 1);
    Exploration.Report rnd = ExploreTesting.explore(good, "random", 1, 300, 2, 1);
    assertThat(pct.failed()).as("%s", pct.firstFailure()).isZero();
    assertThat(rnd.failed()).as("%s", rnd.firstFailure()).isZero();
  }
}
