package irqlab.sim;

import irqlab.scenario.Comparison;
import irqlab.scenario.Expectations;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Evaluates a scenario's {@code expect} section against a run's results. */
final class Expect {
  private Expect() {}

  static List<String> evaluate(Expectations e, List<Violation> violations, List<RunResult.IrqStat> irqs) {
    List<String> failed = new ArrayList<>();
    TreeSet<String> seen = new TreeSet<>();
    for (Violation v : violations) {
      seen.add(v.kind());
    }
    TreeSet<String> expected = new TreeSet<>(e.violations());
    if (!seen.equals(expected)) {
      failed.add("violations: expected " + (expected.isEmpty() ? "none" : String.join(", ", expected))
          + ", got " + (seen.isEmpty() ? "none" : String.join(", ", seen)));
    }
    for (Expectations.Count c : e.delivered()) {
      check("delivered", c, sum(irqs, c.subject(), true), failed);
    }
    for (Expectations.Count c : e.spurious()) {
      check("spurious", c, sum(irqs, c.subject(), false), failed);
    }
    return failed;
  }

  /** Whether a failed {@code expect.vmd} line bounds handler runs (idle-child-runs). */
  static boolean countsHandlerRuns(String failed) {
    return failed.startsWith("vmd ") && failed.contains(" idle-child-runs: ");
  }

  /** The {@code expect.vmd} bounds against the run's VMDs. */
  static List<String> evaluateVmd(Expectations e, List<RunResult.VmdStat> vmds) {
    List<String> failed = new ArrayList<>();
    for (Expectations.VmdBound b : e.vmd()) {
      RunResult.VmdStat st = null;
      for (RunResult.VmdStat s : vmds) {
        if (s.id().equals(b.vmd())) {
          st = s;
        }
      }
      long actual = st == null ? 0 : b.key().equals("children-per-vector") ? st.childrenPerVector() : st.idleChildRuns();
      if (!b.comparison().test(actual)) {
        failed.add("vmd " + b.vmd() + " " + b.key() + ": expected " + b.comparison() + ", got " + actual);
      }
    }
    return failed;
  }

  /**
   * Every probe (at boot and by {@code bind}) must end as {@code expect.probe} says: fine unless
   * the scenario names the error it expects. A driver that failed to probe leaves a scenario that
   * tests nothing, so that is a failure of the run unless expected.
   */
  static List<String> probes(Expectations e, List<Machine.Probe> probes) {
    List<String> failed = new ArrayList<>();
    for (Machine.Probe p : probes) {
      String expected = e.probeOutcome(p.device());
      String got = p.errno() == null ? Expectations.PROBE_OK : p.errno();
      if (expected.equals(got)) {
        continue;
      }
      failed.add(p.errno() == null
          ? "probe " + p.device() + ": expected " + expected + ", got OK"
          : "probe " + p.device() + ": failed with " + got + " (" + p.strerror() + "), "
              + (expected.equals(Expectations.PROBE_OK) ? "not expected (expect.probe)" : "expected " + expected));
    }
    return failed;
  }

  private static long sum(List<RunResult.IrqStat> irqs, String subject, boolean delivered) {
    long s = 0;
    for (RunResult.IrqStat st : irqs) {
      if (st.name().equals(subject) || st.name().startsWith(subject + "/")) {
        s += delivered ? st.deliveredTotal() : st.spuriousTotal();
      }
    }
    return s;
  }

  private static void check(String what, Expectations.Count c, long actual, List<String> failed) {
    Comparison cmp = c.comparison();
    boolean ok = switch (cmp.op()) {
      case ">=" -> actual >= cmp.value();
      case "<=" -> actual <= cmp.value();
      case "==" -> actual == cmp.value();
      case ">" -> actual > cmp.value();
      case "<" -> actual < cmp.value();
      default -> false;
    };
    if (!ok) {
      failed.add(what + " " + c.subject() + ": expected " + cmp.op() + " " + cmp.value() + ", got " + actual);
    }
  }
}
