package irqlab.sim;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.report.RunReport;
import irqlab.scenario.BuiltinScenarios;
import irqlab.scenario.Scenario;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The hotplug flavour of the non-maskable MSI affinity race: an affinity change of a legacy-msi
 * interrupt racing the offline of its CPU, where fixup_irqs moves it from the stopper on the dying
 * CPU. Linux 6.12.117 as shipped (torn-msi-offline) writes the non-maskable message directly
 * (arch/x86/kernel/apic/msi.c msi_set_affinity: no detour when !irqd_can_reserve, b56ebe7c896d),
 * as x86 did before 6f1a4891a592 (torn-msi-offline-direct): the device can send the half-written
 * message {CPU 2, old vector}, and with no handler of the interrupt around the move to drain the
 * queue, the work is lost with it. The detour the changelog intends (torn-msi-offline-detour,
 * variant msi-nomask-detour: retrigger from this CPU's IRR, fixup_irqs' IRR scan for the old
 * vector) loses nothing.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TornMsiOfflineTest {
  private final Scenario shipped = BuiltinScenarios.load("torn-msi-offline");
  private final Scenario good = BuiltinScenarios.load("torn-msi-offline-detour");
  private final Scenario bad = BuiltinScenarios.load("torn-msi-offline-direct");

  @Test
  void theScenariosAreBuiltIn() {
    assertThat(BuiltinScenarios.names()).contains("torn-msi-offline", "torn-msi-offline-detour",
        "torn-msi-offline-direct");
    assertThat(shipped.description()).contains("b56ebe7c896d");
    assertThat(shipped.machine().variants()).isEmpty();
    assertThat(shipped.machine().kernelVersion()).isEqualTo("6.12");
    assertThat(good.machine().variants()).containsExactly("msi-nomask-detour");
    assertThat(bad.machine().variants()).containsExactly("msi-direct-update");
  }

  @Test
  void runModeShowsNothingForEitherDesign() {
    for (long seed = 1; seed <= 8; seed++) {
      for (Scenario s : new Scenario[] {shipped, good, bad}) {
        RunResult r = Simulation.run(s, seed);
        assertThat(r.violations()).as("%s seed %d", s.name(), seed).isEmpty();
        assertThat(r.ok()).as("%s seed %d: %s", s.name(), seed, r.failedExpectations()).isTrue();
        assertThat(r.actions()).as("%s seed %d", s.name(), seed)
            .anySatisfy(a -> assertThat(a).contains("cpu1/online <- 0: OK"));
        RunResult.IrqStat disk = disk0(r);
        assertThat(disk.delivered()[1]).as("nothing of disk0 left on the dying CPU").isZero();
        assertThat(disk.delivered()[2]).isEqualTo(disk.deliveredTotal()).isPositive();
        assertThat(r.devices()).allSatisfy(d -> assertThat(d.outstanding()).isZero());
      }
    }
  }

  @Test
  void exploreFindsTheLostInterruptOf612AsShipped() {
    exploreFindsTheLostInterruptAndReplaysIt(shipped);
  }

  @Test
  void exploreFindsTheLostInterruptOfTheDirectVariant() {
    exploreFindsTheLostInterruptAndReplaysIt(bad);
  }

  private void exploreFindsTheLostInterruptAndReplaysIt(Scenario bad) {
    Exploration.Report rep = ExploreTesting.explore(bad, "delay", 1, 1000, 2, 1000);
    assertThat(rep.failed()).isPositive();
    assertThat(ExploreTesting.kinds(rep)).contains(Violation.NO_HANDLER, Violation.LOST_INTERRUPT)
        .isSubsetOf(Violation.NO_HANDLER, Violation.LOST_INTERRUPT);
    // The stall: a schedule whose torn message took the work with it and the device stalled (not
    // one whose stranded work a later completion served, also a lost interrupt).
    Exploration.Outcome stall = rep.failures().stream()
        .filter(f -> f.kinds().contains(Violation.LOST_INTERRUPT))
        .filter(f -> ExploreTesting.replay(bad, f.id()).result().devices().stream()
            .anyMatch(d -> d.id().equals("disk0") && d.outstanding() > 0))
        .findFirst().orElseThrow();

    Exploration.Replay a = ExploreTesting.replay(bad, stall.id());
    Exploration.Replay b = ExploreTesting.replay(bad, stall.id());
    assertThat(a.outcome()).isEqualTo(stall);
    assertThat(a.schedule().decisionLog()).isEqualTo(b.schedule().decisionLog());
    assertThat(RunReport.text(a.result())).isEqualTo(RunReport.text(b.result()));
    assertThat(RunReport.json(a.result())).isEqualTo(RunReport.json(b.result()));

    List<Violation> v = a.result().violations();
    assertThat(v).anySatisfy(x -> {
      assertThat(x.kind()).isEqualTo(Violation.NO_HANDLER);
      assertThat(x.detail()).contains("on CPU 2");
    });
    assertThat(v).anySatisfy(x -> {
      assertThat(x.kind()).isEqualTo(Violation.LOST_INTERRUPT);
      assertThat(x.detail()).startsWith("disk0 queue 0:");
    });
    assertThat(a.result().dmesg())
        .anySatisfy(l -> assertThat(l.text()).isEqualTo("No irq handler for 2.33"));
    assertThat(a.result().devices()).filteredOn(d -> d.id().equals("disk0"))
        .singleElement().satisfies(d -> assertThat(d.outstanding()).isPositive());
    // The move was the stopper's (fixup_irqs on the dying CPU): no disk0 interrupt ran on CPU 1.
    assertThat(disk0(a.result()).delivered()[1]).isZero();
  }

  @Test
  void theDetourTheChangelogIntendsSurvivesTheSameExploration() {
    Exploration.Report pct = ExploreTesting.explore(good, "delay", 1, 1000, 2, 1);
    Exploration.Report rnd = ExploreTesting.explore(good, "random", 1, 300, 2, 1);
    assertThat(pct.failed()).as("%s", pct.firstFailure()).isZero();
    assertThat(rnd.failed()).as("%s", rnd.firstFailure()).isZero();
  }

  private static RunResult.IrqStat disk0(RunResult r) {
    return r.irqs().stream().filter(i -> i.name().equals("disk0/msi/0")).findFirst().orElseThrow();
  }
}
