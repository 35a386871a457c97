package irqlab.sim.explore;

import irqlab.exec.Access;
import irqlab.exec.Actor;
import irqlab.exec.Resource;

/**
 * Watches a schedule step by step, for traces and equivalence hashes. Called on the thread that
 * runs the model, in model order; it must not change model state.
 */
public interface StepObserver {
  /**
   * {@code actor} takes step {@code step}: the access it announced at its point ({@code resource}
   * null: an explicit point or a wait), or, when {@code label} is null, the start of new work.
   */
  default void step(long step, Actor actor, String label, Resource resource, long offset, Access access, long timeNs) {}

  /** The value the access of {@code actor}'s current step read or wrote. */
  default void value(Actor actor, long value) {}

  /** The clock released an event of {@code owner} at {@code timeNs}. */
  default void released(long step, Actor owner, long timeNs) {}

  /** {@code cpu} enters interrupt handling (common_interrupt) / returns from it. */
  default void interruptEntry(Actor cpu) {}

  default void interruptExit(Actor cpu) {}
}
