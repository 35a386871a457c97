package irqlab.sim.explore;

import irqlab.exec.Access;
import irqlab.exec.Actor;
import irqlab.exec.Resource;

/**
 * What a strategy sees at a decision: the actors (ids {@code 0..actorCount()-1}, 0 being the
 * clock), which of them can run, and what each one's next step is about to touch. Enabledness is
 * evaluated lazily and cached for the decision, so a strategy that looks only at its favourite
 * actor pays for one check.
 */
public interface Decision {
  /** Steps taken before this one in the schedule. */
  long step();

  /** Virtual time now. */
  long now();

  /** The actor at the point being decided (it may simply continue), or -1 when none is. */
  int running();

  /**
   * True at the first decision about the running actor's next step; false when the clock took a
   * step since (the decision about the same step goes on). Per-step bookkeeping counts once.
   */
  boolean arrived();

  /** The actor that took the previous step (the clock before the first). */
  int previous();

  int actorCount();

  Actor actor(int id);

  boolean enabled(int id);

  /** The number of enabled actors; computes every actor's enabledness. */
  int enabledCount();

  /** The {@code i}-th enabled actor in id order (after {@link #enabledCount()}). */
  int enabledId(int i);

  /**
   * The actor whose waiting work holds the clock back (time may run only so far ahead of work
   * that waits for its turn), or -1 when the clock is enabled or has nothing due. A strategy
   * that would run the clock runs this actor instead: it inherits the clock's priority.
   */
  int clockHolder();

  /** Steps actor {@code id} has taken so far: it changes whenever its pending step is a new one. */
  long stepsOf(int id);

  /** The resource actor {@code id}'s next step touches, or null (starting work, the clock, a wait). */
  Resource resource(int id);

  /** The number the runtime gave {@link #resource} (in the order it met them), or -1. */
  int resourceNumber(int id);

  /** The offset within {@link #resource} the next step accesses. */
  long offset(int id);

  /** The conflict unit within {@link #resource} ({@link Resource#ANY_UNIT}: any). */
  long unit(int id);

  Access access(int id);

  /** Whether the next steps of {@code a} and {@code b} touch the same unit and are not both reads. */
  default boolean conflict(int a, int b) {
    Resource ra = resource(a);
    if (ra == null || ra != resource(b)) {
      return false;
    }
    long ua = unit(a);
    long ub = unit(b);
    return (ua == ub || ua == Resource.ANY_UNIT || ub == Resource.ANY_UNIT) && access(a).conflicts(access(b));
  }
}
