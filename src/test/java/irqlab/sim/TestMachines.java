package irqlab.sim;

import irqlab.scenario.ScenarioParser;
import irqlab.sim.run.RunRuntime;

/** Builds small machines from inline YAML for tests. */
public final class TestMachines {
  private TestMachines() {}

  /** One NIC {@code nic0} with {@code queues} queues and as many MSI-X vectors, affinity as given. */
  public static String nic(int cpus, int queues, String affinity, String timeline) {
    return "name: test\n"
        + "machine: { cpus: " + cpus + " }\n"
        + "devices:\n"
        + "  - { id: nic0, type: nic, msix: { table: " + Math.max(queues, 1) + " }, queues: " + queues + " }\n"
        + "drivers:\n"
        + "  - { device: nic0, vectors: { min: 1, max: " + queues + ", kind: msix, affinity: " + affinity + " } }\n"
        + (timeline == null ? "" : "timeline:\n" + timeline);
  }

  /** Builds and probes (runs time 0) a machine in run mode. */
  public static Machine boot(String yaml, long seed) {
    Machine m = Simulation.build(ScenarioParser.parse("test.yaml", yaml), seed);
    ((RunRuntime) m.exec()).runUntil(0);
    return m;
  }

  /** Runs {@code r} now as a kernel task bound to CPU 0 (as timeline actions run), to completion. */
  public static void onTask(Machine m, Runnable r) {
    irqlab.exec.Actor task = m.exec().newActor("test", irqlab.exec.Actor.Kind.TASK, 0);
    m.exec().schedule(irqlab.exec.Event.of(task, r), m.exec().now());
    rt(m).runUntil(m.exec().now());
  }

  /**
   * The same, for kernel calls that may fail: returns the {@link irqlab.kernel.KernelException} the
   * task threw, or null.
   */
  public static irqlab.kernel.KernelException onTaskError(Machine m, Runnable r) {
    irqlab.kernel.KernelException[] err = new irqlab.kernel.KernelException[1];
    onTask(m, () -> {
      try {
        r.run();
      } catch (irqlab.kernel.KernelException e) {
        err[0] = e;
      }
    });
    return err[0];
  }

  /** Explores {@code n} schedules of {@code s} with the default strategy, a random walk and PCT: none may fail. */
  public static void exploresClean(irqlab.scenario.Scenario s, long seed, int n) {
    for (String strategy : new String[] {irqlab.sim.explore.Strategies.DEFAULT, "random", "pct-3"}) {
      Exploration.Report rep = ExploreTesting.explore(s, strategy, seed, n, 2, 1);
      org.assertj.core.api.Assertions.assertThat(rep.failed()).as("%s: %s", strategy, rep.firstFailure()).isZero();
    }
  }

  public static RunRuntime rt(Machine m) {
    return (RunRuntime) m.exec();
  }
}
