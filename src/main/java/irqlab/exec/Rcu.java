package irqlab.exec;

/**
 * RCU (kernel/rcu/tree.c) as one machine has it: read-side sections entered explicitly
 * (rcu_read_lock) and implicitly by every hard interrupt handler (interrupts are off there, which
 * since the flavours were merged holds off a grace period as rcu_read_lock does); synchronize_rcu
 * waits, sleeping, for the sections that began before it; call_rcu and kfree_rcu run their
 * callback after such a grace period. The explicit lock, unlock and synchronize are scheduling
 * points; a hard interrupt's section begins and ends with the interrupt entry's own point, so
 * interrupt delivery costs no extra step.
 */
public final class Rcu {
  private final Exec exec;
  private final GracePeriods gp = new GracePeriods();
  /** What its points touch: readers read it, synchronize_rcu writes it (they are ordered). */
  private final Resource resource = new Resource("rcu");

  public Rcu(Exec exec) {
    this.exec = exec;
  }

  /** rcu_read_lock. */
  public void readLock() {
    exec.point("rcu_read_lock", resource, 0, Access.READ);
    gp.enter(exec.current());
  }

  /** rcu_read_unlock. */
  public void readUnlock() {
    gp.exit(exec.current());
    exec.point("rcu_read_unlock", resource, 0, Access.READ);
  }

  /** A hard interrupt begins on the current actor (irq_enter): a read-side section, no point. */
  public void irqEnter() {
    gp.enter(exec.current());
  }

  /** The hard interrupt ends (irq_exit). */
  public void irqExit() {
    gp.exit(exec.current());
  }

  /** Whether the current actor is inside a read-side section (explicit or a hard interrupt). */
  public boolean inReadSection() {
    return gp.inSection(exec.current());
  }

  /** Actors inside a read-side section now. */
  public int readers() {
    return gp.readers();
  }

  /** synchronize_rcu: may sleep; returns once the sections running at the call have ended. */
  public void synchronize() {
    gp.synchronize(exec, "synchronize_rcu", resource);
  }

  /** call_rcu / kfree_rcu: {@code callback} runs after a grace period. */
  public void call(Runnable callback) {
    gp.afterGracePeriod(callback);
  }

  /** Callbacks waiting for their grace period. */
  public int pendingCallbacks() {
    return gp.pendingCallbacks();
  }

  public long synchronizes() {
    return gp.synchronizes();
  }
}
