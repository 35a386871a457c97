package irqlab.sim.trace;

import java.util.List;

/**
 * A schedule as data: who took part and everything each did, in order.
 *
 * @param scenario the scenario's name
 * @param schedule the schedule id (what replay takes)
 * @param actors every actor, by id (id 0 is the clock)
 * @param events the events in order
 * @param violations the oracle's violations, as text, in the order they were found
 * @param kinds the failure kinds of the schedule's verdict (empty: it passed)
 * @param verdict one line: "passed" or why it failed
 */
public record Trace(String scenario, String schedule, List<ActorInfo> actors, List<TraceEvent> events,
    List<String> violations, List<String> kinds, String verdict) {

  /** An actor: its id, name ("cpu1", "nic0", "kworker/0", "clock"), kind and CPU (-1: none). */
  public record ActorInfo(int id, String name, String kind, int cpu) {}

  /** The index of the first VIOLATION event or misrouted message, or -1. */
  public int firstViolation() {
    for (TraceEvent e : events) {
      if (e.type() == TraceEvent.Type.VIOLATION || (e.message() != null && e.message().misrouted())) {
        return (int) e.seq();
      }
    }
    return -1;
  }

  /** The event behind event {@code i}: the message that caused a violation, else the event itself. */
  public int causeOf(int i) {
    TraceEvent e = events.get(i);
    return e.cause() >= 0 ? (int) e.cause() : i;
  }
}
