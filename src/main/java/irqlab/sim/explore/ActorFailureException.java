package irqlab.sim.explore;

import irqlab.exec.ExecException;

/** Model code running as an actor threw; the original throwable is the cause. */
public final class ActorFailureException extends ExecException {
  private static final long serialVersionUID = 1L;
  private final String actorName;
  private final long step;

  ActorFailureException(String actorName, long step, Throwable cause) {
    super("actor " + actorName + " failed at step " + step + ": " + cause);
    this.actorName = actorName;
    this.step = step;
    initCause(cause);
  }

  public String actorName() {
    return actorName;
  }

  public long step() {
    return step;
  }
}
