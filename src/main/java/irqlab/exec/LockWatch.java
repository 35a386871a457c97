package irqlab.exec;

/**
 * Told of every acquisition and release of the modelled locks ({@link RawSpinLock}, {@link
 * Mutex}), in the order they happen on the current actor: the hook a lockdep-like checker hangs
 * on. Installed with {@link Exec#setLockWatch}; it must not change what runs.
 */
public interface LockWatch {
  /** The number this watch knows lock class {@code lockClass} (its name) by; a lock asks once. */
  int classId(String lockClass);

  /** {@code actor} now holds {@code lock}, of the class {@link #classId} numbered {@code classId}. */
  void acquired(Actor actor, Object lock, int classId);

  /** {@code actor} is about to release {@code lock}. */
  void released(Actor actor, Object lock);
}
