package irqlab.sim;

import irqlab.exec.Actor;
import irqlab.exec.Event;
import irqlab.exec.Exec;
import irqlab.sim.devices.Binding;
import irqlab.scenario.Action;

/**
 * The {@code storm} action: a device whose queue interrupt fires on its own, evenly spaced at
 * the given rate, with no work behind it. One reused event, so that a storm of millions of
 * signals costs no allocation per signal.
 */
final class StuckLine extends Event {
  private final Exec exec;
  private final Binding dev;
  private final int queue;
  private final double periodNs;
  private final long start;
  private final long end;
  private long fired;

  private StuckLine(Exec exec, Actor actor, Binding dev, Action.Storm storm, long start) {
    super(actor);
    this.exec = exec;
    this.dev = dev;
    this.queue = storm.queue();
    this.periodNs = 1e9 / storm.ratePerSecond();
    this.start = start;
    this.end = start + storm.forNs();
  }

  /** Queues the first signal at {@code start}; the last one comes before {@code start + for}. */
  static void start(Exec exec, Actor actor, Binding dev, Action.Storm storm, long start) {
    StuckLine s = new StuckLine(exec, actor, dev, storm, start);
    exec.schedule(s, Math.max(exec.now(), start));
  }

  @Override
  public void run() {
    dev.stuck(queue);
    fired++;
    // From the start time rather than the last signal, so rounding does not drift the rate.
    long next = Math.max(exec.now() + 1, start + Math.round(fired * periodNs));
    if (next < end) {
      exec.schedule(this, next);
    } else if (dev.device().holdsStuckLine()) {
      // A stuck INTx source holds its line until the storm ends.
      exec.schedule(Event.of(actor(), dev::releaseStuck), Math.max(exec.now(), end));
    }
  }
}
