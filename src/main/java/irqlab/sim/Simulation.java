package irqlab.sim;

import irqlab.sim.devices.Binding;
import irqlab.kernel.irq.IrqDesc;
import irqlab.scenario.Scenario;
import irqlab.sim.run.RunRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs a scenario in run mode and collects its result. */
public final class Simulation {
  private Simulation() {}

  /** Builds the scenario's machine on a fresh run-mode runtime seeded with {@code seed}. */
  public static Machine build(Scenario scenario, long seed) {
    return Machine.build(scenario, new RunRuntime(seed));
  }

  /** Runs {@code scenario} to quiescence and judges it. */
  public static RunResult run(Scenario scenario, long seed) {
    return run(scenario, seed, m -> {});
  }

  /**
   * The same, telling {@code beforeRun} the built machine before anything runs, so that a report
   * can attach passive observers (kernel observers, action watches) that change no result.
   */
  public static RunResult run(Scenario scenario, long seed, java.util.function.Consumer<Machine> beforeRun) {
    Machine m = build(scenario, seed);
    beforeRun.accept(m);
    RunRuntime rt = (RunRuntime) m.exec();
    try {
      rt.runToQuiescence();
      m.checkQuiescent();
      return result(m, seed, rt.eventsRun());
    } finally {
      rt.close(); // a task left blocked (a deadlock) keeps a thread until then
    }
  }

  /**
   * Runs {@code scenario} up to {@code atNs} only (for views of an intermediate state). A task
   * blocked at that time keeps its thread: {@link Machine#close()} the machine when done.
   */
  public static Machine runUntil(Scenario scenario, long seed, long atNs) {
    Machine m = build(scenario, seed);
    ((RunRuntime) m.exec()).runUntil(atNs);
    return m;
  }

  /** One interrupt's counts as they stand now. */
  static RunResult.IrqStat stat(String name, IrqDesc d, int n) {
    long[] delivered = new long[n];
    long[] spurious = new long[n];
    for (int c = 0; c < n; c++) {
      delivered[c] = d.count(c);
      spurious[c] = d.unhandled(c);
    }
    StringBuilder actions = new StringBuilder();
    for (var a = d.action(); a != null; a = a.next()) {
      actions.append(actions.length() == 0 ? "" : ", ").append(a.name());
    }
    return new RunResult.IrqStat(name, d.irq(), actions.toString(),
        delivered, spurious, d.affinity().toList(), d.effectiveAffinity().toList());
  }

  /**
   * One row per interrupt name: a name freed and allocated again (unbind and bind, a resize by
   * re-enable) adds up its counts; the latest incarnation gives irq, action and affinity.
   */
  static List<RunResult.IrqStat> mergeByName(List<RunResult.IrqStat> all) {
    java.util.LinkedHashMap<String, RunResult.IrqStat> byName = new java.util.LinkedHashMap<>();
    for (RunResult.IrqStat s : all) {
      RunResult.IrqStat prev = byName.remove(s.name());
      if (prev == null) {
        byName.put(s.name(), s);
        continue;
      }
      long[] d = s.delivered().clone();
      long[] sp = s.spurious().clone();
      for (int c = 0; c < d.length; c++) {
        d[c] += prev.delivered()[c];
        sp[c] += prev.spurious()[c];
      }
      byName.put(s.name(), new RunResult.IrqStat(s.name(), s.irq(), s.action(), d, sp, s.affinity(), s.effective()));
    }
    return new ArrayList<>(byName.values());
  }

  /** Collects the results of a machine that has run. */
  public static RunResult result(Machine m, long seed, long events) {
    int n = m.kernel().nrCpus();
    List<RunResult.IrqStat> all = new ArrayList<>(m.retiredInterrupts());
    for (Map.Entry<String, Integer> e : m.interruptNames().entrySet()) {
      all.add(stat(e.getKey(), m.kernel().descs().get(e.getValue()), n));
    }
    List<RunResult.IrqStat> irqs = mergeByName(all);
    List<RunResult.DeviceStat> devices = new ArrayList<>();
    for (Binding b : m.bindings()) {
      long completed = 0;
      long outstanding = 0;
      for (int q = 0; q < b.device().queues(); q++) {
        completed += b.device().completedTotal(q);
        outstanding += b.device().outstanding(q);
      }
      devices.add(new RunResult.DeviceStat(b.id(), b.device().bdf().toString(), completed, outstanding,
          b.device().messagesSent(), b.device().messagesHeldPending()));
    }
    List<Violation> violations = m.oracle().violations();
    List<String> failed = new ArrayList<>(Expect.evaluate(m.scenario().expect(), violations, irqs));
    failed.addAll(ExpectState.evaluate(m));
    List<RunResult.VmdStat> vmds = VmdStats.of(m);
    failed.addAll(Expect.evaluateVmd(m.scenario().expect(), vmds));
    return new RunResult(m.scenario().name(), seed, n, m.exec().now(), events, irqs, devices,
        m.actionLog(), m.kernel().log().lines(), violations, failed, m.kernel().profile().name(),
        List.copyOf(m.kernel().variants().enabled()), vmds);
  }
}
