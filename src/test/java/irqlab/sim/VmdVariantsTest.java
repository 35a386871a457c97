package irqlab.sim;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.kernel.vmd.VmdIrq;
import irqlab.scenario.Scenario;
import irqlab.scenario.ScenarioParser;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The VMD designs Linux got wrong, each found and named, and the 6.12 design next to them: the
 * 2015 teardown (descriptor used after free), the entry freed without waiting for readers, the
 * v6.17 per-device domains whose startup never puts a child on its list, the first driver's
 * modulo spread, and a handler that takes the list lock. Two NVMe behind one VMD with steady
 * traffic on both; one is unbound while it flows.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class VmdVariantsTest {
  static Scenario scenario(String variant, String extraTimeline) {
    return ScenarioParser.parse("vmd.yaml", "name: vmd-variants\n"
        + "machine: { cpus: 2" + (variant == null ? "" : ", kernel: { variants: [" + variant + "] }") + " }\n"
        + "devices:\n"
        + "  - { id: vmd0, bdf: \"0000:00:0e.0\", type: vmd, msix: { table: 4 } }\n"
        + "  - { id: nvme0, type: nvme, behind: vmd0, queues: 2 }\n"
        + "  - { id: nvme1, type: nvme, behind: vmd0, queues: 2 }\n"
        + "drivers:\n  - { device: vmd0 }\n  - { device: nvme0 }\n  - { device: nvme1 }\n"
        + "timeline:\n"
        + (extraTimeline == null ? "" : extraTimeline)
        + "  - at: 0ms\n    traffic: { device: nvme0, queues: all, rate: 100k/s, for: 2ms }\n"
        + "  - at: 0ms\n    traffic: { device: nvme1, queues: all, rate: 100k/s, for: 2ms }\n"
        + "  - at: 1ms\n    unbind: { device: nvme1 }\n");
  }

  /** Finds a failing schedule of {@code s} with PCT, replays it twice, returns the violation. */
  private static Violation findAndReplay(Scenario s, int schedules) {
    Exploration.Report rep = ExploreTesting.explore(s, "delay", 1, schedules, 2, 1);
    assertThat(rep.failed()).as("failing schedules in %d", schedules).isPositive();
    Exploration.Outcome first = rep.firstFailure();
    Exploration.Replay a = ExploreTesting.replay(s, first.id());
    Exploration.Replay b = ExploreTesting.replay(s, first.id());
    assertThat(a.schedule().decisionLog()).isEqualTo(b.schedule().decisionLog());
    assertThat(a.result().violations()).isEqualTo(b.result().violations()).isNotEmpty();
    // The same schedule on the default design is clean.
    Exploration.Replay good = ExploreTesting.replay(scenario(null, null), first.id());
    assertThat(good.result().violations()).as("%s on 6.12", first.id()).isEmpty();
    return a.result().violations().get(0);
  }

  @Test
  void runModeShowsNoTeardownRaceOnAnyDesign() {
    for (String v : new String[] {null, "vmd-rcu-list-only", "vmd-free-without-sync"}) {
      for (long seed = 1; seed <= 3; seed++) {
        assertThat(Simulation.run(scenario(v, null), seed).violations()).as("%s seed %d", v, seed).isEmpty();
      }
    }
  }

  @Test
  void the2015TeardownUsesTheChildsDescriptorAfterFreeAndNamesBothSides() {
    Violation v = findAndReplay(scenario("vmd-rcu-list-only", null), 400);
    assertThat(v.kind()).isEqualTo(Violation.USE_AFTER_FREE);
    assertThat(v.detail()).containsPattern("irq \\d+'s irq_desc used by cpu1 in (handle_irq_desc|handle_untracked_irq)")
        .contains("freed by kworker/0").contains("irq_free_descs, freed at once")
        .contains("NvmeDriver.disable");
  }

  @Test
  void freeingTheEntryWithoutSynchronizeSrcuUsesTheEntryAfterFree() {
    Violation v = findAndReplay(scenario("vmd-free-without-sync", null), 100);
    assertThat(v.kind()).isEqualTo(Violation.USE_AFTER_FREE);
    assertThat(v.detail()).containsPattern("vmd0 vector \\d's list entry \\(struct vmd_irq\\) of irq \\d+ used by cpu1 in")
        .contains("freed by kworker/0").contains("vmd_msi_free: kfree");
  }

  @Test
  void theDefaultDesignExploresClean() {
    TestMachines.exploresClean(scenario(null, null), 1, 40);
  }

  @Test
  void perDeviceChildrenWhoseStartupOnlyUnmasksLoseTheirInterrupts() {
    RunResult r = Simulation.run(scenario("vmd-perdevice-no-startup", null), 1);
    assertThat(r.violations()).extracting(Violation::kind).containsOnly(Violation.LOST_INTERRUPT);
    assertThat(r.violations()).anySatisfy(v -> assertThat(v.detail()).startsWith("nvme0 queue"));
    // disable_irq and enable_irq reach VMD's enable (the child chip's irq_enable): that queue works.
    String cycle = "  - at: 0ms\n    disable-irq: { irq: nvme0/msix/1 }\n"
        + "  - at: 0ms\n    enable-irq: { irq: nvme0/msix/1 }\n";
    RunResult fixed = Simulation.run(scenario("vmd-perdevice-no-startup", cycle), 1);
    assertThat(fixed.violations()).noneSatisfy(v -> assertThat(v.detail()).startsWith("nvme0 queue 1:"));
    assertThat(fixed.violations()).anySatisfy(v -> assertThat(v.detail()).startsWith("nvme0 queue 2:"));
  }

  @Test
  void aHandlerTakingTheListLockIsALockInversionInRunMode() {
    RunResult r = Simulation.run(scenario("vmd-list-lock-in-handler", null), 1);
    assertThat(r.violations()).extracting(Violation::kind).containsExactly(Violation.LOCK_INVERSION);
    assertThat(r.violations().get(0).detail())
        .contains("takes irq_desc while holding list_lock").contains("VmdDriver.walk")
        .contains("irq_desc -> list_lock first taken by kworker/0").contains("VmdDriver.listAdd");
    assertThat(r.dmesg()).anySatisfy(l -> assertThat(l.text())
        .isEqualTo("WARNING: possible circular locking dependency detected: list_lock -> irq_desc against"
            + " irq_desc -> list_lock"));
    assertThat(Simulation.run(scenario(null, null), 1).violations()).isEmpty();
  }

  @Test
  void theModuloSpreadPutsEachChildOnItsIrqNumbersVector() {
    Machine m = TestMachines.boot(scenarioYaml("vmd-modulo-spread"), 1);
    m.interruptNames().forEach((name, irq) -> {
      if (name.startsWith("nvme")) {
        VmdIrq e = VmdIrq.of(m.kernel().descs().get(irq).data());
        assertThat(e.list().index()).as(name).isEqualTo(irq % 4);
      }
    });
    m.close();
  }

  private static String scenarioYaml(String variant) {
    return "name: vmd-variants\nmachine: { cpus: 2, kernel: { variants: [" + variant + "] } }\n"
        + "devices:\n  - { id: vmd0, bdf: \"0000:00:0e.0\", type: vmd, msix: { table: 4 } }\n"
        + "  - { id: nvme0, type: nvme, behind: vmd0, queues: 2 }\n  - { id: nvme1, type: nvme, behind: vmd0, queues: 2 }\n"
        + "drivers:\n  - { device: vmd0 }\n  - { device: nvme0 }\n  - { device: nvme1 }\n";
  }
}
