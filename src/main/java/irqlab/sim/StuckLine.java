package irqlab.sim;

import irqlab.exec.Actor;
import irqlab.exec.Event;
import irqlab.exec.Exec;
import irqlab.hw.pci.MsiCapability.Outcome;
import irqlab.scenario.Action;
import irqlab.sim.devices.Binding;

/**
 * The {@code storm} action: a device whose queue interrupt fires on its own, evenly spaced at
 * the given rate, with no work behind it. One reused event, so that a storm of millions of
 * signals costs no allocation per signal.
 *
 * <p>Once the line is masked (note_interrupt disabled it and the next interrupt masked it) the
 * device keeps asserting, and each signal only finds the pending bit already latched. After one
 * such held signal the line stops scheduling a signal per period: it watches the function's
 * routing (mask bits, MSI-X and MSI control, the queue's vector select, resets) and, when that
 * changes, accounts the signals it skipped as held and signals on its schedule again. On INTx the
 * first signal holds the line up until the storm ends; later ones change nothing, so the line
 * pauses the same way. A paused
 * line keeps one event at its last signal time, where it accounts the rest, so a storm of
 * 1000M/s for 10 s costs about as much as its first 100,000 interrupts.
 */
final class StuckLine extends Event {
  /** Off only in tests, to compare with a line that signals every period whatever the mask. */
  static boolean pauseWhileQuiet = true;

  private final Exec exec;
  private final Binding dev;
  private final int queue;
  private final double periodNs;
  private final long first;
  private final long start;
  private final long end;
  /** Signals in the whole storm: those due before {@code start + for}. */
  private final long total;
  /** Signals made or accounted so far. */
  private long fired;
  /** While paused: what the signals do (held in a latched pending bit, or dropped with nothing enabled). */
  private Outcome paused;
  private final Runnable routingChanged = this::routingChanged;

  private StuckLine(Exec exec, Actor actor, Binding dev, Action.Storm storm, long start) {
    super(actor);
    this.exec = exec;
    this.dev = dev;
    this.queue = storm.queue();
    this.periodNs = 1e9 / storm.ratePerSecond();
    this.start = start;
    this.first = Math.max(exec.now(), start);
    this.end = start + Math.min(storm.forNs(), Long.MAX_VALUE - start);
    this.total = firstAtOrAfter(end, 1);
  }

  /** Queues the first signal at {@code start}; the last one comes before {@code start + for}. */
  static void start(Exec exec, Actor actor, Binding dev, Action.Storm storm, long start) {
    StuckLine s = new StuckLine(exec, actor, dev, storm, start);
    exec.schedule(s, s.first);
  }

  /** When signal {@code k} is due: from the start time, so rounding does not drift the rate. */
  private long time(long k) {
    if (k == 0) {
      return first;
    }
    long off = Math.round(k * periodNs); // saturates at Long.MAX_VALUE
    long t = off > Long.MAX_VALUE - start ? Long.MAX_VALUE : start + off;
    return Math.max(first + k, t);
  }

  /** The first signal index from {@code from} on that is due at or after {@code t}. */
  private long firstAtOrAfter(long t, long from) {
    long k = Math.max(from, (long) Math.floor((t - (double) start) / periodNs) - 2);
    while (k > from && time(k - 1) >= t) {
      k--;
    }
    while (time(k) < t) {
      k++;
    }
    return k;
  }

  @Override
  public void run() {
    if (paused != null) {
      // The last signal's time: the storm ends with the line still masked.
      settle(exec.now() + 1);
      end();
      finish();
      return;
    }
    Outcome before = dev.stuckOutcome(queue);
    dev.stuck(queue);
    fired++;
    if (fired >= total) {
      finish();
      return;
    }
    // Pause after a signal that was held (its pending bit is latched now) or dropped, when the
    // next would end the same way.
    if (pauseWhileQuiet && before != Outcome.SENT && dev.stuckOutcome(queue) == before) {
      paused = before;
      dev.device().watchRouting(routingChanged);
      exec.schedule(this, due(total - 1));
      return;
    }
    exec.schedule(this, due(fired));
  }

  /**
   * When to queue signal {@code k}: its time, or now when that has passed. In run mode it never
   * has; in explore mode a device may get to a signal up to the explorer's lag late, and the next
   * one then follows at once, as a traffic arrival does.
   */
  private long due(long k) {
    return Math.max(exec.now(), time(k));
  }

  /** Accounts the signals due before {@code t} as the paused line would have made them. */
  private void settle(long t) {
    long upTo = Math.min(total, firstAtOrAfter(t, fired));
    if (upTo > fired && paused == Outcome.HELD) {
      dev.stuckHeldAgain(queue, upTo - fired);
    }
    fired = Math.max(fired, upTo);
  }

  private void end() {
    paused = null;
    dev.device().unwatchRouting(routingChanged);
  }

  /** The last signal is made: a stuck INTx source holds its line until the storm ends. */
  private void finish() {
    if (dev.device().holdsStuckLine()) {
      exec.schedule(Event.of(actor(), dev::releaseStuck), Math.max(exec.now(), end));
    }
  }

  /**
   * Called inside a write that may change what a signal does: account the signals skipped so far,
   * then signal on schedule again (the next real signal pauses the line again if it is still
   * quiet). A signal due at this very time comes after the write, as it does when the write is a
   * timeline action (queued before the storm's events).
   */
  private void routingChanged() {
    settle(exec.now());
    exec.cancel(this);
    end();
    if (fired < total) {
      exec.schedule(this, time(fired));
    } else {
      finish();
    }
  }
}
