package irqlab.exec;

/**
 * A raw spinlock: acquire and release are scheduling points, the holder runs atomically (no
 * sleeping). Interrupts on the holder's CPU are the caller's business, as with
 * raw_spin_lock_irqsave: the kernel's CPU model turns them off. The lock is the resource its
 * points name (one object per lock: every requested irq descriptor has one).
 */
public final class RawSpinLock extends Resource {
  private static final String LOCK = "raw_spin_lock";
  private static final String UNLOCK = "raw_spin_unlock";
  /** Its lockdep class: one for every lock of a kind (each irq_desc's lock is "irq_desc"). */
  private final String lockClass;
  private final Exec exec;
  /** The name when made on demand: {@code lockClass(instance)}; unused with a given name. */
  private final int instance;
  private Actor owner;
  /** The watch that numbered this lock's class, and the number: asked once, not per acquisition. */
  private LockWatch classWatch;
  private int classId;

  public RawSpinLock(Exec exec, String name) {
    this(exec, name, name);
  }

  /** A lock named {@code name} (as traces show it) of lockdep class {@code lockClass}. */
  public RawSpinLock(Exec exec, String name, String lockClass) {
    super(name);
    this.exec = exec;
    this.lockClass = lockClass;
    this.instance = -1;
  }

  /**
   * Lock {@code instance} of lockdep class {@code lockClass}, named {@code lockClass(instance)}
   * when first asked for (one per irq descriptor: most are never named).
   */
  public RawSpinLock(Exec exec, String lockClass, int instance) {
    this.exec = exec;
    this.lockClass = lockClass;
    this.instance = instance;
  }

  @Override
  protected String makeName() {
    return lockClass + "(" + instance + ")";
  }

  public Actor owner() {
    return owner;
  }

  public boolean isLocked() {
    return owner != null;
  }

  public void lock() {
    exec.point(LOCK, this, 0, Access.SYNC);
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
    exec.point(UNLOCK, this, 0, Access.SYNC);
  }
}
