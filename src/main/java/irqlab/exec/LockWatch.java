package irqlab.exec;

/**
 * Told of every acquisition and release of the modelled locks ({@link RawSpinLock}, {@link
 * Mutex}), in the order they happen on the current actor: the hook a lockdep-like checker hangs
 * on. Installed with {@link Exec#setLockWatch}; it must not change what runs.
 */
public interface LockWatch {
  /** {@code actor} now holds {@code lock}, whose class is {@code lockClass} (its name). */
  void acquired(Actor actor, Object lock, String lockClass);

  /** {@code actor} is about to release {@code lock}. */
  void released(Actor actor, Object lock);
}
