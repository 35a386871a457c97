package irqlab.exec;

/**
 * struct srcu_struct (kernel/rcu/srcutree.c): sleepable RCU with its own readers. srcu_read_lock
 * and srcu_read_unlock mark a section of the current actor; synchronize_srcu waits, sleeping,
 * until every section of this srcu_struct that began before it has ended (sections that begin
 * later are not waited for), and does not wait for readers of any other srcu_struct or of RCU.
 * Lock, unlock and synchronize are scheduling points, so the explorer interleaves readers and
 * writers; the wait is re-checked at every step (explore) or after every event (run).
 */
public final class Srcu {
  private final Exec exec;
  private final String name;
  private final String syncLabel;
  private final GracePeriods gp = new GracePeriods();
  /** What its points touch: readers read it, synchronize_srcu writes it (they are ordered). */
  private final Resource resource;

  public Srcu(Exec exec, String name) {
    this.exec = exec;
    this.name = name;
    this.syncLabel = "synchronize_srcu(" + name + ")";
    this.resource = new Resource("srcu " + name);
  }

  public String name() {
    return name;
  }

  /** srcu_read_lock: returns the index the unlock takes back. */
  public int readLock() {
    exec.point("srcu_read_lock", resource, 0, Access.READ);
    gp.enter(exec.current());
    return 0;
  }

  /** srcu_read_unlock. */
  public void readUnlock(int idx) {
    gp.exit(exec.current());
    exec.point("srcu_read_unlock", resource, 0, Access.READ);
  }

  /** Whether the current actor is inside a section of this srcu_struct. */
  public boolean inReadSection() {
    return gp.inSection(exec.current());
  }

  /** Actors inside a read-side section now. */
  public int readers() {
    return gp.readers();
  }

  /**
   * synchronize_srcu: may sleep; returns once the sections running at the call have ended. Called
   * from inside one of its own sections it could never return, which the kernel's lockdep reports;
   * here it is a model error.
   */
  public void synchronize() {
    gp.synchronize(exec, syncLabel, resource);
  }

  /** call_srcu: {@code callback} runs after a grace period of this srcu_struct. */
  public void call(Runnable callback) {
    gp.afterGracePeriod(callback);
  }

  /** synchronize_srcu calls so far. */
  public long synchronizes() {
    return gp.synchronizes();
  }

  @Override
  public String toString() {
    return name;
  }
}
