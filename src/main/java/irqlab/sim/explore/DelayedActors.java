package irqlab.sim.explore;

import irqlab.exec.Access;
import irqlab.exec.Resource;
import java.util.Arrays;

/**
 * Actors held back by a delay, each until another actor's step races with the one it is about to
 * take (same resource unit, not both reads) or until it must run. Shared by the strategies that
 * delay: {@link DelayStrategy} and {@link DelaySchedule}. Called at every decision, so it looks
 * only at the few actors delayed, never at all of them.
 */
final class DelayedActors {
  private boolean[] delayed = new boolean[8];
  private Resource[] res = new Resource[8];
  private long[] unit = new long[8];
  private Access[] access = new Access[8];
  /** The delayed actors, {@code count} of them, in no particular order. */
  private int[] ids = new int[8];
  private int count;
  private int lastActor = -1;
  /** The step last chosen: its resource (null: it releases nobody), offset and unit. */
  private Resource lastRes;
  private long lastOffset;
  private long lastUnit;
  private boolean lastUnitKnown;
  private Access lastAccess;

  /** Called first at every decision: makes room, and releases the actors the last step raced with. */
  void begin(int actors) {
    if (delayed.length < actors) {
      int c = Math.max(actors, delayed.length * 2);
      delayed = Arrays.copyOf(delayed, c);
      res = Arrays.copyOf(res, c);
      unit = Arrays.copyOf(unit, c);
      access = Arrays.copyOf(access, c);
      ids = Arrays.copyOf(ids, c);
    }
    if (lastRes == null) {
      return;
    }
    // Backwards: a release moves the last entry into the slot, which has been looked at already.
    for (int i = count - 1; i >= 0; i--) {
      int y = ids[i];
      if (y != lastActor && res[y] == lastRes) {
        if (!lastUnitKnown) {
          lastUnit = lastRes.unit(lastOffset); // what Decision.unit said of it, computed once needed
          lastUnitKnown = true;
        }
        if ((unit[y] == lastUnit || unit[y] == Resource.ANY_UNIT || lastUnit == Resource.ANY_UNIT)
            && access[y].conflicts(lastAccess)) {
          release(y);
        }
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
    if (delayed[r]) {
      return;
    }
    delayed[r] = true;
    res[r] = through ? null : d.resource(r);
    unit[r] = d.unit(r);
    access[r] = d.access(r);
    ids[count++] = r;
  }

  void release(int y) {
    if (delayed[y]) {
      delayed[y] = false;
      res[y] = null;
      for (int i = 0; i < count; i++) {
        if (ids[i] == y) {
          ids[i] = ids[--count];
          break;
        }
      }
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
    if (lastRes != null) {
      lastOffset = d.offset(x);
      lastUnitKnown = false;
      lastAccess = d.access(x);
    }
  }
}
