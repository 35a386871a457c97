package irqlab.sim.explore;

import irqlab.exec.Access;
import irqlab.exec.Resource;
import java.util.Arrays;

/**
 * Actors held back by a delay, each until another actor's step races with the one it is about to
 * take (same resource unit, not both reads) or until it must run. Shared by the strategies that
 * delay: {@link DelayStrategy} and {@link DelaySchedule}.
 */
final class DelayedActors {
  private boolean[] delayed = new boolean[8];
  private Resource[] res = new Resource[8];
  private long[] unit = new long[8];
  private Access[] access = new Access[8];
  private int count;
  private int lastActor = -1;
  private Resource lastRes;
  private long lastUnit;
  private Access lastAccess;

  /** Called first at every decision: makes room, and releases the actors the last step raced with. */
  void begin(int actors) {
    if (delayed.length < actors) {
      int c = Math.max(actors, delayed.length * 2);
      delayed = Arrays.copyOf(delayed, c);
      res = Arrays.copyOf(res, c);
      unit = Arrays.copyOf(unit, c);
      access = Arrays.copyOf(access, c);
    }
    if (count == 0 || lastRes == null) {
      return;
    }
    for (int y = 0; y < actors; y++) {
      if (delayed[y] && y != lastActor && res[y] == lastRes
          && (unit[y] == lastUnit || unit[y] == Resource.ANY_UNIT || lastUnit == Resource.ANY_UNIT)
          && access[y].conflicts(lastAccess)) {
        release(y);
      }
    }
  }

  boolean any() {
    return count > 0;
  }

  boolean isDelayed(int id) {
    return delayed[id];
  }

  /** Holds back actor {@code r}, which is about to take the step {@code d} shows for it. */
  void delay(int r, Decision d) {
    delay(r, d, false);
  }

  /**
   * Holds back actor {@code r}; with {@code through}, past conflicting accesses too, until it must
   * run (a long preemption: every access of the others in that time sees its half-done work).
   */
  void delay(int r, Decision d, boolean through) {
    delayed[r] = true;
    res[r] = through ? null : d.resource(r);
    unit[r] = d.unit(r);
    access[r] = d.access(r);
    count++;
  }

  void release(int y) {
    if (delayed[y]) {
      delayed[y] = false;
      res[y] = null;
      count--;
    }
  }

  /** Called with the decision's choice: it runs now (released if it was held), its step noted. */
  void chosen(int x, Decision d) {
    if (x < 0) {
      return;
    }
    release(x);
    if (count == 0) {
      lastRes = null; // nobody to release at the next decision
      return;
    }
    lastActor = x;
    lastRes = d.resource(x);
    lastUnit = d.unit(x);
    lastAccess = d.access(x);
  }
}
