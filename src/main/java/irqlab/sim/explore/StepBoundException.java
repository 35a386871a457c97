package irqlab.sim.explore;

import irqlab.exec.ExecException;

/** A schedule took more steps than its bound allows: a livelock, or a workload beyond the bound. */
public final class StepBoundException extends ExecException {
  private static final long serialVersionUID = 1L;

  StepBoundException(String message) {
    super(message);
  }
}
