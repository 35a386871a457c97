package irqlab.sim;

import irqlab.sim.devices.Binding;
import irqlab.kernel.irq.IrqDesc;
import irqlab.scenario.Scenario;
import irqlab.sim.run.BudgetExceeded;
import irqlab.sim.run.RunBudget;
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

  /** Runs {@code scenario} to quiescence, within the default budget, and judges it. */
  public static RunResult run(Scenario scenario, long seed) {
    return run(scenario, seed, m -> {});
  }

  /**
   * The same, telling {@code beforeRun} the built machine before anything runs, so that a report
   * can attach passive observers (kernel observers, action watches) that change no result.
   */
  public static RunResult run(Scenario scenario, long seed, java.util.function.Consumer<Machine> beforeRun) {
    return run(scenario, seed, RunBudget.DEFAULT, null, beforeRun);
  }

  /**
   * Runs within {@code budget}, telling {@code progress} (unless null) how far a long run is. A run
   * that reaches its budget stops there: its result has {@link RunResult#stopped()} set, the
   * violations found so far, and no judgement of the end checks or expectations.
   */
  public static RunResult run(Scenario scenario, long seed, RunBudget budget, RunRuntime.Progress progress,
      java.util.function.Consumer<Machine> beforeRun) {
    Machine m = build(scenario, seed);
    beforeRun.accept(m);
    RunRuntime rt = (RunRuntime) m.exec();
    try {
      rt.setBudget(budget);
      rt.setProgress(progress);
      try {
        rt.runToQuiescence();
      } catch (BudgetExceeded b) {
        return result(m, seed, rt.eventsRun(), stop(b));
      }
      m.checkQuiescent();
      return result(m, seed, rt.eventsRun());
    } finally {
      rt.close(); // a task left blocked (a deadlock) keeps a thread until then
    }
  }

  static RunResult.Stop stop(BudgetExceeded b) {
    return new RunResult.Stop(b.limit() == BudgetExceeded.Limit.EVENTS ? "events" : "time", b.max(), b.nextNs(),
        b.interruptsTaken());
  }

  /**
   * Runs {@code scenario} up to {@code atNs} only (for views of an intermediate state). A task
   * blocked at that time keeps its thread: {@link Machine#close()} the machine when done.
   */
  public static Machine runUntil(Scenario scenario, long seed, long atNs) {
    return runUntil(scenario, seed, atNs, RunBudget.DEFAULT);
  }

  /**
   * The same within {@code budget} ({@code Long.MAX_VALUE}: to quiescence); throws {@link
   * BudgetExceeded} when it runs out, the machine then standing where it stopped.
   */
  public static Machine runUntil(Scenario scenario, long seed, long atNs, RunBudget budget) {
    Machine m = build(scenario, seed);
    RunRuntime rt = (RunRuntime) m.exec();
    rt.setBudget(budget);
    rt.runUntil(atNs);
    return m;
  }

  /** One interrupt's counts as they stand now; {@code freed} when it is about to be freed. */
  static RunResult.IrqStat stat(String name, IrqDesc d, int n, boolean freed) {
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
        delivered, spurious, d.affinity().toList(), d.effectiveAffinity().toList(), freed);
  }

  /**
   * One row per interrupt name: a name freed and allocated again (unbind and bind, a resize by
   * re-enable) adds up its counts, and the latest incarnation gives irq, action and affinity; a
   * name freed for good keeps its row. Rows are in a fixed order whatever happened during the
   * run: devices as the scenario lists them, then MSI-X, MSI, IMS and INTx interrupts by index.
   */
  static List<RunResult.IrqStat> mergeByName(List<RunResult.IrqStat> all, List<String> deviceOrder) {
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
      byName.put(s.name(), new RunResult.IrqStat(s.name(), s.irq(), s.action(), d, sp, s.affinity(), s.effective(),
          s.freed()));
    }
    List<RunResult.IrqStat> rows = new ArrayList<>(byName.values());
    // A stable sort: names of another form (none yet) keep their relative order, after the rest.
    rows.sort(java.util.Comparator.comparingLong((RunResult.IrqStat s) -> rank(s.name(), deviceOrder)));
    return rows;
  }

  /** Where {@code device/kind/index} sorts: device in the scenario's order, then kind, then index. */
  private static long rank(String name, List<String> deviceOrder) {
    String[] p = name.split("/");
    int dev = p.length == 3 ? deviceOrder.indexOf(p[0]) : -1;
    int kind = p.length == 3 ? irqlab.scenario.IrqName.KINDS.indexOf(p[1]) : -1;
    if (dev < 0 || kind < 0 || !p[2].matches("[0-9]{1,9}")) {
      return Long.MAX_VALUE;
    }
    return ((long) dev << 40) | ((long) kind << 32) | Long.parseLong(p[2]);
  }

  /** Collects the results of a machine that has run. */
  public static RunResult result(Machine m, long seed, long events) {
    return result(m, seed, events, null);
  }

  /** The same for a run that {@code stopped} short of its end (null: it ended), not judged then. */
  public static RunResult result(Machine m, long seed, long events, RunResult.Stop stopped) {
    int n = m.kernel().nrCpus();
    List<RunResult.IrqStat> all = new ArrayList<>(m.retiredInterrupts());
    for (Map.Entry<String, Integer> e : m.interruptNames().entrySet()) {
      all.add(stat(e.getKey(), m.kernel().descs().get(e.getValue()), n, false));
    }
    List<String> deviceOrder = new ArrayList<>();
    m.scenario().devices().forEach(d -> deviceOrder.add(d.id()));
    List<RunResult.IrqStat> irqs = mergeByName(all, deviceOrder);
    List<RunResult.DeviceStat> devices = new ArrayList<>();
    for (Binding b : m.bindings()) {
      long completed = 0;
      long outstanding = 0;
      for (int q = 0; q < b.device().queues(); q++) {
        completed += b.device().completedTotal(q);
        outstanding += b.device().outstanding(q);
      }
      devices.add(new RunResult.DeviceStat(b.id(), b.device().bdf().toString(), completed, outstanding,
          b.device().messagesSent(), b.device().messagesHeldPending(), b.idleArrivals()));
    }
    List<Violation> violations = m.oracle().violations();
    List<String> failed = new ArrayList<>();
    List<RunResult.VmdStat> vmds = VmdStats.of(m);
    if (stopped == null) {
      failed.addAll(Expect.probes(m.scenario().expect(), m.probes()));
      failed.addAll(Expect.evaluate(m.scenario().expect(), violations, irqs));
      failed.addAll(ExpectState.evaluate(m));
      failed.addAll(Expect.evaluateVmd(m.scenario().expect(), vmds));
    }
    return new RunResult(m.scenario().name(), seed, n, m.exec().now(), events, irqs, devices,
        m.actionLog(), m.kernel().log().lines(), violations, failed, m.kernel().profile().name(),
        List.copyOf(m.kernel().variants().enabled()), vmds, stopped, List.of());
  }
}
