package irqlab.sim;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.scenario.BuiltinScenarios;
import irqlab.scenario.Scenario;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The non-maskable MSI affinity race (x86 msi_set_affinity) under the explorer. Linux 6.12.117 as
 * shipped (torn-msi) writes a non-maskable MSI directly, address then data: msi_set_affinity takes
 * the detour of 6f1a4891a592 only when irqd_can_reserve() (arch/x86/kernel/apic/msi.c, since
 * b56ebe7c896d), which msi_init_virq clears for exactly this MSI. So does x86 before 6f1a4891a592
 * (torn-msi-direct). Run mode shows nothing for any of them; the explorer finds the torn message of
 * both within 1,000 PCT schedules and replays it bit for bit, and finds nothing with the detour the
 * changelog intends (torn-msi-detour, variant msi-nomask-detour).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TornMsiTest {
  private final Scenario shipped = BuiltinScenarios.load("torn-msi");
  private final Scenario good = BuiltinScenarios.load("torn-msi-detour");
  private final Scenario bad = BuiltinScenarios.load("torn-msi-direct");

  @Test
  void runModeShowsNothingForAnyDesign() {
    for (long seed = 1; seed <= 10; seed++) {
      for (Scenario s : new Scenario[] {shipped, good, bad}) {
        RunResult r = Simulation.run(s, seed);
        assertThat(r.violations()).as("%s seed %d", s.name(), seed).isEmpty();
        assertThat(r.ok()).isTrue();
      }
    }
  }

  @Test
  void exploreFindsTheTornMessageOf612AsShippedAndReplaysIt() {
    exploreFindsTheTornMessageAndReplaysIt(shipped);
  }

  @Test
  void exploreFindsTheTornMessageOfTheVariantAndReplaysIt() {
    exploreFindsTheTornMessageAndReplaysIt(bad);
  }

  private void exploreFindsTheTornMessageAndReplaysIt(Scenario bad) {
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
    assertThat(a.result().dmesg()).anySatisfy(l -> assertThat(l.text()).matches("No irq handler for 1\\.[0-9]+"));
    // The torn message is lost, its work is not: the moving interrupt's own handler drains it.
    assertThat(a.result().devices()).allSatisfy(d -> assertThat(d.outstanding()).isZero());
  }

  @Test
  void theDetourTheChangelogIntendsSurvivesTheSameExploration() {
    Exploration.Report pct = ExploreTesting.explore(good, "delay", 1, 1000, 2, 1);
    Exploration.Report rnd = ExploreTesting.explore(good, "random", 1, 300, 2, 1);
    assertThat(pct.failed()).as("%s", pct.firstFailure()).isZero();
    assertThat(rnd.failed()).as("%s", rnd.firstFailure()).isZero();
  }
}
