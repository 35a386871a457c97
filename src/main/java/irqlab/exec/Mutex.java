package irqlab.exec;

import java.util.ArrayDeque;

/**
 * struct mutex (kernel/locking/mutex.c): a sleeping lock with an owner. {@link #lock} runs the
 * might_sleep check, then sleeps while another actor owns the mutex; lock and unlock are
 * scheduling points, like {@link RawSpinLock}'s. Unlike a raw spinlock, holding it is not atomic.
 *
 * <p>Order: {@link #unlock} hands the mutex straight to the longest waiter (FIFO), as the kernel
 * does once a waiter has set MUTEX_FLAG_HANDOFF; the model never lets a late arrival steal it, so
 * who gets it next is a function of arrival order alone.
 */
public final class Mutex {
  private static final String LOCK = "mutex_lock";
  private static final String UNLOCK = "mutex_unlock";
  private final Exec exec;
  private final String name;
  private final String sleepLabel;
  private final Resource resource;
  private final ArrayDeque<Actor> waiters = new ArrayDeque<>(2);
  private Actor owner;
  /** The watch that numbered this mutex's class, and the number: asked once, not per acquisition. */
  private LockWatch classWatch;
  private int classId;

  public Mutex(Exec exec, String name) {
    this.exec = exec;
    this.name = name;
    this.sleepLabel = "mutex_lock(" + name + ")";
    this.resource = new Resource("mutex " + name);
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

  /** Actors sleeping in {@link #lock}, in the order they will get the mutex. */
  public int waiters() {
    return waiters.size();
  }

  /** mutex_lock: may sleep; locking a mutex one already owns is a bug (a self-deadlock). */
  public void lock() {
    exec.mightSleep(sleepLabel);
    exec.point(LOCK, resource, 0, Access.SYNC);
    Actor me = exec.current();
    if (owner == me) {
      throw new ExecException("recursive mutex_lock of " + name + " by " + me);
    }
    if (owner == null && waiters.isEmpty()) {
      owner = me;
      acquired(me);
      return;
    }
    waiters.add(me);
    try {
      exec.waitUntil(sleepLabel, () -> owner == me);
    } catch (RuntimeException | Error e) {
      waiters.remove(me); // the wait never ended: do not hand the mutex to a dead waiter
      throw e;
    }
    acquired(me);
  }

  private void acquired(Actor me) {
    LockWatch w = exec.lockWatch();
    if (w != null) {
      if (classWatch != w) {
        classId = w.classId(name);
        classWatch = w;
      }
      w.acquired(me, this, classId);
    }
  }

  /** mutex_trylock: never sleeps; true when the caller now owns the mutex. */
  public boolean tryLock() {
    exec.point(LOCK, resource, 0, Access.SYNC);
    if (owner != null || !waiters.isEmpty()) {
      return false;
    }
    owner = exec.current();
    acquired(owner);
    return true;
  }

  /** mutex_unlock: only the owner may unlock; the first waiter, if any, becomes the owner. */
  public void unlock() {
    Actor me = exec.current();
    if (owner != me) {
      throw new ExecException(me + " unlocks mutex " + name + " owned by " + owner);
    }
    LockWatch w = exec.lockWatch();
    if (w != null) {
      w.released(me, this);
    }
    owner = waiters.poll();
    exec.point(UNLOCK, resource, 0, Access.SYNC);
  }

  @Override
  public String toString() {
    return name;
  }
}
