package irqlab.cli;

import irqlab.scenario.Durations;
import irqlab.sim.run.BudgetExceeded;
import irqlab.sim.run.RunBudget;
import picocli.CommandLine.Option;

/** --max-events and --max-time: the work budget of a run-mode command (run, show). */
final class BudgetOptions {
  @Option(names = "--max-events", paramLabel = "N",
      description = "Stop the run after N events and interrupts taken (0: no limit). Default: 100000000.")
  Long maxEvents;

  @Option(names = "--max-time", paramLabel = "TIME",
      description = "Stop the run before its first event after TIME of virtual time (e.g. 600s; 0: no limit)."
          + " Default: 60s.")
  String maxTime;

  RunBudget budget(String command) {
    long events = RunBudget.DEFAULT.maxEvents();
    if (maxEvents != null) {
      if (maxEvents < 0) {
        throw new Main.BadInput(command + ": --max-events: expected a number of events >= 0 (0: no limit), got "
            + maxEvents);
      }
      events = maxEvents;
    }
    long time = RunBudget.DEFAULT.maxTimeNs();
    if (maxTime != null) {
      try {
        time = Durations.parse(maxTime);
      } catch (IllegalArgumentException e) {
        throw new Main.BadInput(command + ": --max-time: " + e.getMessage() + " (0: no limit)");
      }
    }
    return new RunBudget(events, time);
  }

  /** The one line that says a run stopped at its budget ({@code limit} "events" or "time") and how to raise it. */
  static String stoppedLine(String command, String what, String limit) {
    return command + ": stopped: " + what + "; raise it with "
        + (limit.equals("events") ? "--max-events N" : "--max-time TIME") + " (0: no limit)";
  }

  static String limitName(BudgetExceeded e) {
    return e.limit() == BudgetExceeded.Limit.EVENTS ? "events" : "time";
  }
}
