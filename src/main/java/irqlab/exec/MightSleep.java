package irqlab.exec;

/**
 * The kernel's might_sleep() (kernel/sched/core.c __might_sleep), as a hook: the exec layer's
 * sleeping primitives cannot see the kernel, so the kernel installs this with
 * {@link Exec#setMightSleep} and each primitive calls it before it may sleep. The kernel's check
 * reports a call from atomic context (raw spinlock held, interrupts off, hard interrupt).
 */
@FunctionalInterface
public interface MightSleep {
  /** Called by a sleeping primitive named {@code what} (e.g. "mutex_lock(name)") on entry. */
  void check(String what);
}
