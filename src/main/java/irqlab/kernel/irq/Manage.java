package irqlab.kernel.irq;

import irqlab.kernel.Errno;
import irqlab.kernel.Kernel;
import irqlab.kernel.KernelException;
import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.domain.IrqDomains;

/**
 * Driver-facing interrupt management from kernel/irq/manage.c: request_irq, free_irq,
 * disable_irq(_nosync), enable_irq, synchronize_irq and irq_set_affinity. All but the last two
 * take the slow-bus bracket ({@link ChipBusLock}) around the descriptor lock, as manage.c does;
 * irq_set_affinity takes only the descriptor lock (__irq_set_affinity).
 */
public final class Manage {
  private final Kernel k;

  public Manage(Kernel k) {
    this.k = k;
  }

  private IrqDesc desc(int irq) {
    IrqDesc d = k.descs().get(irq);
    if (d == null) {
      throw new KernelException(Errno.EINVAL, "irq " + irq + " has no descriptor");
    }
    return d;
  }

  /**
   * request_irq (__setup_irq): installs the action; the first action starts the line up. A
   * shared line takes another action only when both ask for IRQF_SHARED with the same trigger
   * type and ONESHOT setting ("Flags mismatch", EBUSY otherwise); it is added at the end. Returns
   * the action installed.
   */
  public IrqAction requestIrq(int irq, IrqHandler handler, int flags, String name, Object devId) {
    return requestIrq(irq, handler, flags, name, -1, devId);
  }

  /** request_irq with the name {@code namePrefix} followed by {@code nameNumber} (see {@link IrqAction}). */
  public IrqAction requestIrq(int irq, IrqHandler handler, int flags, String namePrefix, int nameNumber,
      Object devId) {
    if (handler == null) {
      throw new KernelException(Errno.EINVAL, "request_irq: no handler for irq " + irq);
    }
    if ((flags & IrqAction.IRQF_SHARED) != 0 && devId == null) {
      throw new KernelException(Errno.EINVAL, "request_irq: a shared irq " + irq + " needs a dev_id");
    }
    IrqDesc desc = desc(irq);
    if (desc.chip() == null) {
      throw new KernelException(Errno.ENOSYS, "irq " + irq + " has no chip");
    }
    k.mightSleep("request_irq");
    ChipBusLock.lock(k, desc, "request_irq"); // __setup_irq: outside desc->lock
    boolean irqs = k.localIrqSave();
    desc.lock().lock();
    try {
      IrqAction action = new IrqAction(irq, handler, flags, namePrefix, nameNumber, devId);
      IrqAction old = desc.action();
      if (old != null) {
        addShared(desc, old, action);
        return action;
      }
      irqActivate(desc);
      desc.clearIstate(IrqsState.AUTODETECT | IrqsState.SPURIOUS_DISABLED | IrqsState.ONESHOT | IrqsState.WAITING);
      desc.data().clear(IrqdState.IRQ_INPROGRESS);
      if ((flags & IrqAction.IRQF_ONESHOT) != 0) {
        desc.setIstate(IrqsState.ONESHOT);
      }
      if ((flags & IrqAction.IRQF_NOBALANCING) != 0) {
        desc.setStatusFlags(IrqDesc.STATUS_NOBALANCING);
      }
      k.chipFlow().irqStartup(desc, ChipFlow.RESEND);
      desc.setAction(action);
      desc.setIrqCount(0);
      desc.setIrqsUnhandled(0);
      desc.registerProc();
      return action;
    } finally {
      desc.lock().unlock();
      k.localIrqRestore(irqs);
      ChipBusLock.syncUnlock(k, desc);
    }
  }

  /** The shared half of __setup_irq; desc->lock held. */
  private void addShared(IrqDesc desc, IrqAction old, IrqAction action) {
    int mismatchBits = IrqAction.IRQF_TRIGGER_MASK | IrqAction.IRQF_ONESHOT;
    if ((old.flags() & action.flags() & IrqAction.IRQF_SHARED) == 0
        || ((old.flags() ^ action.flags()) & mismatchBits) != 0) {
      // pr_err under kernel/irq/manage.c's pr_fmt, "genirq: ".
      k.log().err(String.format("genirq: Flags mismatch irq %d. %08x (%s) vs. %08x (%s)", desc.irq(), action.flags(),
          action.name(), old.flags(), old.name()));
      throw new KernelException(Errno.EBUSY, "request_irq: irq " + desc.irq() + " already has handler " + old.name());
    }
    IrqAction last = old;
    while (last.next() != null) {
      last = last.next();
    }
    last.setNext(action);
    desc.setIrqCount(0);
    desc.setIrqsUnhandled(0);
    desc.registerProc();
    // A line the spurious detector disabled gets another chance with the new handler.
    if (desc.istate(IrqsState.SPURIOUS_DISABLED)) {
      desc.clearIstate(IrqsState.SPURIOUS_DISABLED);
      enableLocked(desc);
    }
  }

  /** irq_activate: managed lines are activated by startup instead. */
  private static void irqActivate(IrqDesc desc) {
    if (!desc.data().is(IrqdState.AFFINITY_MANAGED)) {
      IrqDomains.activate(desc.data(), false);
    }
  }

  /**
   * free_irq: removes the action of {@code devId}; the last one shuts the line down. Then waits
   * for running handlers and deactivates a line left without actions.
   */
  public String freeIrq(int irq, Object devId) {
    IrqDesc desc = desc(irq);
    k.mightSleep("free_irq");
    ChipBusLock.lock(k, desc, "free_irq");
    boolean irqs = k.localIrqSave();
    desc.lock().lock();
    IrqAction action = null;
    boolean last;
    try {
      IrqAction prev = null;
      for (IrqAction a = desc.action(); a != null; prev = a, a = a.next()) {
        if (a.devId() == devId) {
          action = a;
          break;
        }
      }
      if (action == null) {
        k.log().warnOn("Trying to free already-free IRQ " + irq);
        return null;
      }
      if (prev == null) {
        desc.setAction(action.next());
      } else {
        prev.setNext(action.next());
      }
      action.setNext(null);
      last = desc.action() == null;
      if (last) {
        k.chipFlow().irqShutdown(desc);
      }
    } finally {
      desc.lock().unlock();
      k.localIrqRestore(irqs);
      // Synced out before synchronize_irq, as __free_irq does (the shutdown reaches the chip first).
      ChipBusLock.syncUnlock(k, desc);
    }
    synchronizeIrq(irq);
    if (!last) {
      return action.name();
    }
    ChipBusLock.lock(k, desc, "free_irq"); // retaken for the deactivation over the slow bus
    irqs = k.localIrqSave();
    desc.lock().lock();
    try {
      IrqDomains.deactivate(desc.data());
    } finally {
      desc.lock().unlock();
      k.localIrqRestore(irqs);
      ChipBusLock.syncUnlock(k, desc);
    }
    return action.name();
  }

  /** disable_irq_nosync: depth++, lazily disabled on the first level. */
  public void disableIrqNosync(int irq) {
    IrqDesc desc = desc(irq);
    ChipBusLock.lock(k, desc, "disable_irq_nosync"); // irq_get_desc_buslock
    boolean irqs = k.localIrqSave();
    desc.lock().lock();
    try {
      if (desc.depth() == 0) {
        k.chipFlow().irqDisable(desc, false);
      }
      desc.setDepth(desc.depth() + 1);
    } finally {
      desc.lock().unlock();
      k.localIrqRestore(irqs);
      ChipBusLock.syncUnlock(k, desc); // irq_put_desc_busunlock
    }
  }

  /** disable_irq: as nosync, then waits until no handler of the line runs. */
  public void disableIrq(int irq) {
    disableIrqNosync(irq);
    synchronizeIrq(irq);
  }

  /** enable_irq: depth--, and at zero the line starts again with a resend of what arrived meanwhile. */
  public void enableIrq(int irq) {
    IrqDesc desc = desc(irq);
    ChipBusLock.lock(k, desc, "enable_irq"); // irq_get_desc_buslock
    boolean irqs = k.localIrqSave();
    desc.lock().lock();
    try {
      if (desc.chip() == null) {
        k.log().warnOn("enable_irq before setup/request_irq: irq " + irq);
        return;
      }
      enableLocked(desc);
    } finally {
      desc.lock().unlock();
      k.localIrqRestore(irqs);
      ChipBusLock.syncUnlock(k, desc); // irq_put_desc_busunlock
    }
  }

  /** __enable_irq; desc->lock held. The last level marks the line _IRQ_NOPROBE (no autoprobing). */
  private void enableLocked(IrqDesc desc) {
    switch (desc.depth()) {
      case 0 -> k.log().warnOn("Unbalanced enable for IRQ " + desc.irq());
      case 1 -> {
        desc.setStatusFlags(IrqDesc.STATUS_NOPROBE);
        k.chipFlow().irqStartup(desc, ChipFlow.RESEND);
      }
      default -> desc.setDepth(desc.depth() - 1);
    }
  }

  /** synchronize_irq: waits for a handler running on another CPU to finish. */
  public void synchronizeIrq(int irq) {
    IrqDesc desc = desc(irq);
    k.exec().waitUntil("synchronize_irq", () -> !desc.data().is(IrqdState.IRQ_INPROGRESS));
  }

  /**
   * __irq_apply_affinity_hint: irq_update_affinity_hint ({@code setAffinity} false) records the
   * hint only; irq_set_affinity_and_hint also applies a non-null mask (__irq_set_affinity, whose
   * result the caller never sees).
   */
  public void applyAffinityHint(int irq, CpuMask mask, boolean setAffinity) {
    IrqDesc desc = desc(irq);
    boolean irqs = k.localIrqSave();
    desc.lock().lock();
    try {
      desc.setAffinityHint(mask);
    } finally {
      desc.lock().unlock();
      k.localIrqRestore(irqs);
    }
    if (mask != null && setAffinity) {
      try {
        irqSetAffinity(irq, mask, false);
      } catch (KernelException e) {
        // __irq_apply_affinity_hint returns 0 whatever __irq_set_affinity said.
      }
    }
  }

  /** irq_set_affinity: takes the descriptor lock with interrupts off. */
  public void irqSetAffinity(int irq, CpuMask mask, boolean force) {
    IrqDesc desc = desc(irq);
    boolean irqs = k.localIrqSave();
    desc.lock().lock();
    try {
      irqSetAffinityLocked(desc, mask, force);
    } finally {
      desc.lock().unlock();
      k.localIrqRestore(irqs);
    }
  }

  /**
   * irq_set_affinity_locked: an inactive line only records the mask; a line that cannot be moved
   * from process context (x86 MSI without remapping) gets a pending move carried out by the next
   * interrupt; otherwise the chip is programmed now.
   */
  public void irqSetAffinityLocked(IrqDesc desc, CpuMask mask, boolean force) {
    IrqData d = desc.data();
    if (d.chip() == null || !d.chip().has(IrqChip.Op.SET_AFFINITY)) {
      throw new KernelException(Errno.EINVAL, "irq " + desc.irq() + " chip cannot set affinity");
    }
    if (!d.is(IrqdState.ACTIVATED) && d.is(IrqdState.AFFINITY_ON_ACTIVATE)) {
      desc.setAffinity(mask);
      desc.setEffectiveAffinity(mask);
      d.set(IrqdState.AFFINITY_SET);
      return;
    }
    if (d.is(IrqdState.MOVE_PCNTXT) && !d.is(IrqdState.SETAFFINITY_PENDING)) {
      try {
        irqDoSetAffinity(desc, mask, force);
      } catch (KernelException e) {
        // irq_try_set_affinity: a busy vector layer (old vector not yet cleaned up) makes the
        // move pending for the next interrupt instead of failing the write.
        if (e.errno() != Errno.EBUSY || force) {
          throw e;
        }
        d.set(IrqdState.SETAFFINITY_PENDING);
        desc.setPendingMask(mask);
      }
    } else {
      d.set(IrqdState.SETAFFINITY_PENDING);
      desc.setPendingMask(mask);
    }
    d.set(IrqdState.AFFINITY_SET);
  }

  /**
   * irq_setup_affinity, from irq_startup: a managed line, or one whose affinity was set
   * (IRQD_AFFINITY_SET), keeps its mask while a CPU of it is online (otherwise the flag goes); any
   * other line gets irq_default_affinity, all CPUs. The online part goes to the chip and becomes
   * the affinity. One NUMA node, so no node narrowing. Errors are returned, and irq_startup ignores
   * them.
   */
  public void irqSetupAffinity(IrqDesc desc) {
    IrqData d = desc.data();
    // __irq_can_set_affinity: irqd_can_balance and a chip that can
    if (d.is(IrqdState.PER_CPU | IrqdState.NO_BALANCING) || d.chip() == null
        || !d.chip().has(IrqChip.Op.SET_AFFINITY)) {
      return;
    }
    CpuMask set = k.possibleMask();
    if (d.is(IrqdState.AFFINITY_MANAGED | IrqdState.AFFINITY_SET)) {
      if (desc.affinity().intersects(k.onlineMask())) {
        set = desc.affinity();
      } else {
        d.clear(IrqdState.AFFINITY_SET);
      }
    }
    CpuMask mask = k.onlineMask().and(set);
    if (mask.isEmpty()) {
      mask = k.onlineMask();
    }
    try {
      irqDoSetAffinity(desc, mask, false);
    } catch (KernelException e) {
      // the caller, irq_startup, does not look at the result
    }
  }

  /** irq_do_set_affinity: hands the chip the online part of the mask; on success records it. */
  public void irqDoSetAffinity(IrqDesc desc, CpuMask mask, boolean force) {
    IrqData d = desc.data();
    if (d.chip() == null || !d.chip().has(IrqChip.Op.SET_AFFINITY)) {
      throw new KernelException(Errno.EINVAL, "irq " + desc.irq() + " chip cannot set affinity");
    }
    CpuMask online = mask.and(k.onlineMask());
    int ret;
    if (!force && !online.isEmpty()) {
      ret = d.chip().setAffinity(d, online, false);
    } else if (force) {
      ret = d.chip().setAffinity(d, mask, true);
    } else {
      throw new KernelException(Errno.EINVAL, "irq " + desc.irq() + ": no online CPU in " + mask.toList());
    }
    if (ret == IrqChip.SET_MASK_OK || ret == IrqChip.SET_MASK_OK_DONE) {
      desc.setAffinity(mask);
    }
  }
}
