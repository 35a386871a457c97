package irqlab.sim.explore;

import irqlab.exec.ExecException;

/**
 * A schedule stopped with work left and no actor able to take a step: the modelled code hung (two
 * locks taken in both orders met, or a wait nobody ends). A finding about the design, not the model.
 */
public final class DeadlockException extends ExecException {
  private static final long serialVersionUID = 1L;

  DeadlockException(String message) {
    super(message);
  }
}
