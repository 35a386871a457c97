package irqlab.exec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The bookkeeping an RCU flavour shares: which actors are inside a read-side section and since
 * when, a grace period that ends once every section that began before it has ended, and callbacks
 * run after one. Per actor (by id): the nesting depth and the number of outermost sections begun,
 * so a snapshot taken at the start of a grace period can tell a section that is still running from
 * a later one of the same actor.
 */
final class GracePeriods {
  private int[] depth = new int[16];
  private long[] sections = new long[16];
  private int readers;
  private long synchronizes;
  /** Callbacks waiting for their grace period, in the order they were queued. */
  private final List<Pending> pending = new ArrayList<>(0);

  /** A grace period's snapshot: the actors in a section and which section each was in. */
  static final class Snapshot {
    private final int[] actors;
    private final long[] sectionOf;

    Snapshot(int[] actors, long[] sectionOf) {
      this.actors = actors;
      this.sectionOf = sectionOf;
    }

    boolean isEmpty() {
      return actors.length == 0;
    }
  }

  private record Pending(Snapshot snapshot, Runnable callback) {}

  private void ensure(int id) {
    if (id >= depth.length) {
      int n = Math.max(id + 1, depth.length * 2);
      depth = Arrays.copyOf(depth, n);
      sections = Arrays.copyOf(sections, n);
    }
  }

  /** The actor enters a read-side section (nested ones count once). */
  void enter(Actor a) {
    int id = a.id();
    ensure(id);
    if (depth[id]++ == 0) {
      sections[id]++;
      readers++;
    }
  }

  /** The actor leaves one level; the outermost exit may end grace periods and run callbacks. */
  void exit(Actor a) {
    int id = a.id();
    if (id >= depth.length || depth[id] == 0) {
      throw new ExecException(a + ": read-side unlock without a lock");
    }
    if (--depth[id] == 0) {
      readers--;
      if (!pending.isEmpty()) {
        runDue();
      }
    }
  }

  /** Whether {@code a} is inside a read-side section now. */
  boolean inSection(Actor a) {
    int id = a.id();
    return id < depth.length && depth[id] > 0;
  }

  /** Actors inside a read-side section now. */
  int readers() {
    return readers;
  }

  /** The sections running now. */
  Snapshot snapshot() {
    if (readers == 0) {
      return new Snapshot(new int[0], new long[0]);
    }
    int n = 0;
    int[] ids = new int[readers];
    long[] secs = new long[readers];
    for (int id = 0; id < depth.length; id++) {
      if (depth[id] > 0) {
        ids[n] = id;
        secs[n++] = sections[id];
      }
    }
    return new Snapshot(Arrays.copyOf(ids, n), Arrays.copyOf(secs, n));
  }

  /** Whether every section of {@code s} has ended. */
  boolean elapsed(Snapshot s) {
    for (int i = 0; i < s.actors.length; i++) {
      int id = s.actors[i];
      if (depth[id] > 0 && sections[id] == s.sectionOf[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * synchronize_rcu / synchronize_srcu for the current actor of {@code exec}: might_sleep, a
   * scheduling point, then a wait until the sections running at the call have ended. From inside
   * one of its own sections it could never return (lockdep's complaint); here that is a model
   * error.
   */
  void synchronize(Exec exec, String label, Resource flavour) {
    exec.mightSleep(label);
    exec.point(label, flavour, 0, Access.WRITE);
    if (inSection(exec.current())) {
      throw new ExecException(exec.current() + " calls " + label + " inside its own read-side section");
    }
    synchronizes++;
    Snapshot s = snapshot();
    if (!s.isEmpty()) {
      BooleanSupplier done = () -> elapsed(s);
      exec.waitUntil(label, done);
    }
  }

  /** Grace periods waited for by synchronize so far. */
  long synchronizes() {
    return synchronizes;
  }

  /**
   * Runs {@code callback} once every section running now has ended, the caller's own included: at
   * once when none is, else when the last of them exits (the grace period's end: the model runs
   * RCU callbacks there, atomically, as the kernel runs them from softirq).
   */
  void afterGracePeriod(Runnable callback) {
    Snapshot s = snapshot();
    if (s.isEmpty()) {
      callback.run();
      return;
    }
    pending.add(new Pending(s, callback));
  }

  /** Callbacks waiting for a grace period. */
  int pendingCallbacks() {
    return pending.size();
  }

  private void runDue() {
    // Callbacks may queue callbacks or end sections; take the due ones first, in order.
    List<Runnable> due = null;
    for (int i = 0; i < pending.size(); ) {
      Pending p = pending.get(i);
      if (elapsed(p.snapshot())) {
        pending.remove(i);
        if (due == null) {
          due = new ArrayList<>(2);
        }
        due.add(p.callback());
      } else {
        i++;
      }
    }
    if (due != null) {
      due.forEach(Runnable::run);
    }
  }
}
