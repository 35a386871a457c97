package irqlab.exec;

/**
 * A raw spinlock: acquire and release are scheduling points, the holder runs atomically (no
 * sleeping). Interrupts on the holder's CPU are the caller's business, as with
 * raw_spin_lock_irqsave: the kernel's CPU model turns them off.
 */
public final class RawSpinLock {
  private static final String LOCK = "raw_spin_lock";
  private static final String UNLOCK = "raw_spin_unlock";
  /** Its lockdep class: one for every lock of a kind (each irq_desc's lock is "irq_desc"). */
  private final String lockClass;
  private final Exec exec;
  private final Resource resource;
  private Actor owner;
  /** The watch that numbered this lock's class, and the number: asked once, not per acquisition. */
  private LockWatch classWatch;
  private int classId;

  public RawSpinLock(Exec exec, String name) {
    this(exec, name, name);
  }

  /** A lock named {@code name} (as traces show it) of lockdep class {@code lockClass}. */
  public RawSpinLock(Exec exec, String name, String lockClass) {
    this.exec = exec;
    this.lockClass = lockClass;
    this.resource = new Resource(name);
  }

  /**
   * A lock of lockdep class {@code lockClass} whose name is made when first asked for (one per
   * irq descriptor: most are never named).
   */
  public RawSpinLock(Exec exec, java.util.function.Supplier<String> name, String lockClass) {
    this.exec = exec;
    this.lockClass = lockClass;
    this.resource = new Resource(name);
  }

  public String name() {
    return resource.name();
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
      throw new ExecException("recursive acquisition of " + name() + " by " + me);
    }
    if (owner != null) {
      exec.waitUntil(name(), () -> owner == null);
    }
    owner = me;
    me.enterAtomic();
    LockWatch w = exec.lockWatch();
    if (w != null) {
      if (classWatch != w) {
        classId = w.classId(lockClass);
        classWatch = w;
      }
      w.acquired(me, this, classId);
    }
  }

  public void unlock() {
    Actor me = exec.current();
    if (owner != me) {
      throw new ExecException(me + " releases " + name() + " held by " + owner);
    }
    LockWatch w = exec.lockWatch();
    if (w != null) {
      w.released(me, this);
    }
    owner = null;
    me.exitAtomic();
    exec.point(UNLOCK, resource, 0, Access.SYNC);
  }
}
