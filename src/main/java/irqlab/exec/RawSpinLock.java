package irqlab.exec;

/**
 * A raw spinlock: acquire and release are scheduling points, the holder runs atomically (no
 * sleeping). Interrupts on the holder's CPU are the caller's business, as with
 * raw_spin_lock_irqsave: the kernel's CPU model turns them off.
 */
public final class RawSpinLock {
  private static final String LOCK = "raw_spin_lock";
  private static final String UNLOCK = "raw_spin_unlock";
  private final String name;
  private final Exec exec;
  private final Resource resource;
  private Actor owner;

  public RawSpinLock(Exec exec, String name) {
    this.exec = exec;
    this.name = name;
    this.resource = new Resource(name);
  }

  public String name() {
    return name;
  }

  public Actor owner() {
    return owner;
  }

  public boolean isLocked() {
    return owner != null;
  }

  public void lock() {
    exec.point(LOCK, resource, 0, Access.SYNC);
    Actor me = exec.current();
    if (owner == me) {
      throw new ExecException("recursive acquisition of " + name + " by " + me);
    }
    if (owner != null) {
      exec.waitUntil(name, () -> owner == null);
    }
    owner = me;
    me.enterAtomic();
  }

  public void unlock() {
    Actor me = exec.current();
    if (owner != me) {
      throw new ExecException(me + " releases " + name + " held by " + owner);
    }
    owner = null;
    me.exitAtomic();
    exec.point(UNLOCK, resource, 0, Access.SYNC);
  }
}
