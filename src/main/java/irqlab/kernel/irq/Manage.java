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

  /** request_irq for a non-shared line: installs the action and starts the line up. */
  public void requestIrq(int irq, IrqHandler handler, int flags, String name, Object devId) {
    if (handler == null) {
      throw new KernelException(Errno.EINVAL, "request_irq: no handler for irq " + irq);
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
      if (desc.action() != null) {
        throw new KernelException(Errno.EBUSY, "request_irq: irq " + irq + " already has handler " + desc.action().name());
      }
      irqActivate(desc);
      desc.clearIstate(IrqsState.AUTODETECT | IrqsState.SPURIOUS_DISABLED | IrqsState.ONESHOT | IrqsState.WAITING);
      desc.data().clear(IrqdState.IRQ_INPROGRESS);
      k.chipFlow().irqStartup(desc, ChipFlow.RESEND);
      desc.setAction(new IrqAction(handler, flags, name, devId));
      desc.setIrqCount(0);
      desc.setIrqsUnhandled(0);
    } finally {
      desc.lock().unlock();
      k.localIrqRestore(irqs);
      ChipBusLock.syncUnlock(k, desc);
    }
  }

  /** irq_activate: managed lines are activated by startup instead. */
  private static void irqActivate(IrqDesc desc) {
    if (!desc.data().is(IrqdState.AFFINITY_MANAGED)) {
      IrqDomains.activate(desc.data(), false);
    }
  }

  /** free_irq: removes the action, shuts the line down, waits for running handlers, deactivates. */
  public String freeIrq(int irq, Object devId) {
    IrqDesc desc = desc(irq);
    k.mightSleep("free_irq");
    ChipBusLock.lock(k, desc, "free_irq");
    boolean irqs = k.localIrqSave();
    desc.lock().lock();
    IrqAction action = desc.action();
    try {
      if (action == null || action.devId() != devId) {
        k.log().warn("Trying to free already-free IRQ " + irq);
        return null;
      }
      desc.setAction(null);
      k.chipFlow().irqShutdown(desc);
    } finally {
      desc.lock().unlock();
      k.localIrqRestore(irqs);
      // Synced out before synchronize_irq, as __free_irq does (the shutdown reaches the chip first).
      ChipBusLock.syncUnlock(k, desc);
    }
    synchronizeIrq(irq);
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
        k.log().warn("enable_irq before setup/request_irq: irq " + irq);
        return;
      }
      switch (desc.depth()) {
        case 0 -> k.log().warn("Unbalanced enable for IRQ " + irq);
        case 1 -> k.chipFlow().irqStartup(desc, ChipFlow.RESEND);
        default -> desc.setDepth(desc.depth() - 1);
      }
    } finally {
      desc.lock().unlock();
      k.localIrqRestore(irqs);
      ChipBusLock.syncUnlock(k, desc); // irq_put_desc_busunlock
    }
  }

  /** synchronize_irq: waits for a handler running on another CPU to finish. */
  public void synchronizeIrq(int irq) {
    IrqDesc desc = desc(irq);
    k.exec().waitUntil("synchronize_irq", () -> !desc.data().is(IrqdState.IRQ_INPROGRESS));
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
