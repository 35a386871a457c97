package irqlab.kernel.irq;

import irqlab.kernel.Errno;
import irqlab.kernel.Kernel;
import irqlab.kernel.KernelException;
import irqlab.kernel.KernelProfile;
import irqlab.kernel.RateLimit;
import irqlab.kernel.Variants;
import irqlab.kernel.cpu.CpuMask;
import java.util.ArrayList;
import java.util.List;

/**
 * kernel/irq/cpuhotplug.c: every interrupt leaves a CPU that goes offline (a pending affinity
 * change is honoured first; an unmanaged line whose mask has no online CPU left goes to any online
 * CPU; a managed one is shut down), and managed lines shut down for lack of CPUs start again when
 * a CPU of their mask comes back (in 6.12 even when a driver had disabled them; the 6.16 profile
 * keeps the driver's disable).
 */
public final class CpuHotplug {
  /** The architecture's part of a migration (x86: irq_force_complete_move in vector.c). */
  @FunctionalInterface
  public interface Arch {
    /** Finishes a vector move under way that involves {@code dyingCpu}, freeing its old vector. */
    void forceCompleteMove(IrqDesc desc, int dyingCpu);
  }

  private final Kernel k;
  private final RateLimit brokenAffinity = new RateLimit("irq_migrate_all_off_this_cpu");
  private final RateLimit setAffinityFailed = new RateLimit("migrate_one_irq");
  private final RateLimit lateSlowBus = new RateLimit("fixup_irqs_slow_bus");
  /** Bus-locked lines fixup_irqs still found on a dying CPU (the early step missed or lost them). */
  private long lateSlowBusMoves;

  public CpuHotplug(Kernel k) {
    this.k = k;
  }

  /**
   * irq_migrate_all_off_this_cpu: runs on the dying CPU with interrupts off, after it left the
   * online mask. The caller holds interrupts off on its own CPU too.
   */
  public void migrateAllOffThisCpu(int cpu, Arch arch) {
    boolean inStopper = k.variants().on(Variants.IMS_MIGRATE_IN_STOPPER);
    k.descs().forEach(irq -> {
      IrqDesc desc = k.descs().get(irq);
      // The variant brackets a bus-locked line here, on the dying CPU with interrupts off: the
      // bracket sleeps, which might_sleep reports (the default moved these lines earlier).
      boolean bracket = inStopper && needsBusLock(desc.data().chip()) && targets(desc, cpu);
      if (bracket) {
        ChipBusLock.lock(k, desc, "fixup_irqs: IRQ " + irq);
      }
      boolean broken;
      desc.lock().lock();
      try {
        broken = migrateOneIrq(desc, cpu, arch);
      } finally {
        desc.lock().unlock();
        if (bracket) {
          ChipBusLock.syncUnlock(k, desc);
        }
      }
      // pr_debug_ratelimited in 6.12: shown here as if dynamic debug were on.
      if (broken && brokenAffinity.allow(k)) {
        k.log().debug("IRQ " + irq + ": no longer affine to CPU" + cpu);
      }
    });
  }

  /** migrate_one_irq; true when the line had to leave its affinity mask. */
  boolean migrateOneIrq(IrqDesc desc, int cpu, Arch arch) {
    IrqData d = desc.data();
    IrqChip chip = d.chip();
    if (chip == null || !chip.has(IrqChip.Op.SET_AFFINITY)) {
      // A chip torn down, or one without an affinity setter (a VMD child): it stays where it is.
      k.log().debug("IRQ " + desc.irq() + ": Unable to migrate away");
      return false;
    }
    boolean leak = k.variants().on(Variants.LEAK_VECTOR_ON_OFFLINE);
    // Before anything else, so that a move away from this CPU that has not seen its first
    // interrupt yet cannot leave the old vector behind (CVE-2024-31076 fix, a6c11c0a5235).
    if (!leak) {
      arch.forceCompleteMove(desc, cpu);
    }
    if (d.is(IrqdState.PER_CPU) || !d.is(IrqdState.IRQ_STARTED) || !needsFixup(desc, cpu)) {
      fixupMovePending(desc, false);
      return false;
    }
    if (leak) {
      arch.forceCompleteMove(desc, cpu);
    }
    // A bus-locked chip cannot be called synchronously from here: no mask around the move, and
    // whatever its callbacks record goes out from the chip's own work item, after the CPU is gone.
    boolean slowBus = needsBusLock(chip) && !k.variants().on(Variants.IMS_MIGRATE_IN_STOPPER);
    if (slowBus) {
      lateSlowBusMoves++;
      if (lateSlowBus.allow(k)) {
        k.log().warn("IRQ " + desc.irq() + ": " + chip.name() + " needs its bus lock but still targets CPU"
            + cpu + " in fixup_irqs; moved without it, device update left to the chip's work");
      }
    }
    boolean maskchip = !slowBus && !d.is(IrqdState.MOVE_PCNTXT) && !d.is(IrqdState.IRQ_MASKED);
    CpuMask affinity = fixupMovePending(desc, true) ? desc.pendingMask() : desc.affinity();
    if (maskchip) {
      chip.mask(d);
    }
    CpuMask online = k.onlineMask();
    boolean brokeaff = false;
    if (!affinity.intersects(online)) {
      if (d.is(IrqdState.AFFINITY_MANAGED)) {
        // Managed: shut down with the mask left alone; the CPU coming back restarts it.
        d.set(IrqdState.MANAGED_SHUTDOWN);
        k.chipFlow().irqShutdownAndDeactivate(desc);
        return false;
      }
      affinity = online;
      brokeaff = true;
    }
    Errno err = doSetAffinity(desc, affinity);
    if (err == Errno.ENOSPC && !d.is(IrqdState.AFFINITY_MANAGED) && !affinity.equals(online)) {
      // The mask's CPUs are full: break the affinity rather than stay on a dead CPU.
      affinity = online;
      brokeaff = true;
      err = doSetAffinity(desc, affinity);
    }
    if (err != null) {
      if (setAffinityFailed.allow(k)) {
        k.log().warn("IRQ" + desc.irq() + ": set affinity failed(-" + err.number() + ").");
      }
      brokeaff = false;
    }
    if (maskchip) {
      chip.unmask(d);
    }
    return brokeaff;
  }

  /** Whether the top-level chip hangs behind a slow bus whose changes need the bus lock. */
  private static boolean needsBusLock(IrqChip chip) {
    return chip != null && chip.has(IrqChip.Op.BUS_LOCK) && chip.has(IrqChip.Op.SET_AFFINITY);
  }

  /** A started line that is on {@code cpu}, or has a move to it pending. */
  private boolean targets(IrqDesc desc, int cpu) {
    IrqData d = desc.data();
    if (d.is(IrqdState.PER_CPU) || !d.is(IrqdState.IRQ_STARTED)) {
      return false;
    }
    CpuMask m = desc.effectiveAffinity().isEmpty() ? desc.affinity() : desc.effectiveAffinity();
    return m.contains(cpu)
        || (d.is(IrqdState.SETAFFINITY_PENDING) && desc.pendingMask().contains(cpu));
  }

  /** How many bus-locked lines fixup_irqs had to move itself (0 when the early step did its job). */
  public long lateSlowBusMoves() {
    return lateSlowBusMoves;
  }

  /**
   * The early, preemptible hotplug step for slow-bus interrupts that the IMS threads asked for
   * (issue 4 item 5; KERNEL-SEMANTICS "Slow bus": bus_lock/bus_sync_unlock only from task
   * context): runs in the cpu_down task while {@code cpu} is still online, before stop_machine.
   * Every line whose top-level chip needs the bus lock and that targets {@code cpu} is moved to
   * its other online CPUs (all of them when none is left) with irq_do_set_affinity inside
   * chip_bus_lock / chip_bus_sync_unlock, so the chip's device commands complete before the CPU
   * goes; a managed line with no other CPU is shut down the same way. Returns the lines handled.
   */
  public int migrateSlowBusOffCpu(int cpu) {
    List<Integer> irqs = new ArrayList<>();
    k.descs().forEach(irqs::add);
    int moved = 0;
    for (int irq : irqs) {
      IrqDesc desc = k.descs().get(irq);
      if (desc == null || !needsBusLock(desc.data().chip()) || !targets(desc, cpu)) {
        continue;
      }
      String what;
      ChipBusLock.lock(k, desc, "irq_migrate_slow_bus_off_cpu");
      try {
        what = moveSlowBusIrq(desc, cpu);
      } finally {
        ChipBusLock.syncUnlock(k, desc);
      }
      if (what != null) {
        moved++;
        k.log().debug("IRQ " + irq + ": " + what);
      }
    }
    if (moved > 0) {
      k.log().info("CPU" + cpu + ": " + moved + " bus-locked interrupt(s) moved off in task context");
    }
    return moved;
  }

  /** One line of the early step, bracket held; what was done, or null. Retries a busy vector. */
  private String moveSlowBusIrq(IrqDesc desc, int cpu) {
    IrqData d = desc.data();
    for (int attempt = 0; ; attempt++) {
      Errno err;
      boolean f = k.localIrqSave();
      desc.lock().lock();
      try {
        if (!targets(desc, cpu)) {
          return null;
        }
        CpuMask others = k.onlineMask().without(cpu);
        boolean pending = d.is(IrqdState.SETAFFINITY_PENDING) && desc.pendingMask().intersects(others);
        CpuMask mask = pending ? desc.pendingMask() : desc.affinity();
        boolean broken = false;
        if (!mask.intersects(others)) {
          if (d.is(IrqdState.AFFINITY_MANAGED)) {
            d.set(IrqdState.MANAGED_SHUTDOWN);
            k.chipFlow().irqShutdownAndDeactivate(desc);
            return "shut down before CPU" + cpu + " goes (managed, no other CPU in its mask)";
          }
          mask = others;
          broken = true;
        }
        // The CPU is still online: the chip gets the mask without it, the line keeps its mask.
        err = doSetAffinity(desc, mask.and(others));
        if (err == Errno.ENOSPC && !broken && !d.is(IrqdState.AFFINITY_MANAGED)) {
          mask = others;
          broken = true;
          err = doSetAffinity(desc, others);
        }
        if (err == null) {
          desc.setAffinity(mask);
          if (pending) {
            d.clear(IrqdState.SETAFFINITY_PENDING);
          }
          return "moved off CPU" + cpu + " before it goes down (" + d.chip().name() + ", effective "
              + desc.effectiveAffinity().toList() + (broken ? ", no longer affine" : "") + ")";
        }
      } finally {
        desc.lock().unlock();
        k.localIrqRestore(f);
      }
      if (err != Errno.EBUSY || attempt >= 3) {
        k.log().warn("IRQ " + desc.irq() + ": not moved off CPU" + cpu + " before it goes down (-"
            + err.number() + "); left to fixup_irqs");
        return null;
      }
      // An unfinished vector move: its cleanup runs at the old CPU's next tick. Task context may wait.
      k.exec().sleep(Kernel.JIFFY_NS);
    }
  }

  /**
   * The early step undone when the offline fails after it (ENOSPC in the stopper): managed
   * bus-locked lines it shut down start again, under the bracket. Moved lines simply stay moved.
   */
  public void slowBusOfflineFailed(int cpu) {
    List<Integer> irqs = new ArrayList<>();
    k.descs().forEach(irqs::add);
    for (int irq : irqs) {
      IrqDesc desc = k.descs().get(irq);
      IrqData d = desc == null ? null : desc.data();
      if (d == null || !needsBusLock(d.chip()) || !d.is(IrqdState.MANAGED_SHUTDOWN)
          || !desc.affinity().contains(cpu)) {
        continue;
      }
      ChipBusLock.lock(k, desc, "irq_migrate_slow_bus_off_cpu");
      boolean f = k.localIrqSave();
      desc.lock().lock();
      try {
        restartManaged(desc);
      } finally {
        desc.lock().unlock();
        k.localIrqRestore(f);
        ChipBusLock.syncUnlock(k, desc);
      }
    }
  }

  /** irq_do_set_affinity without force; the error, or null. */
  private Errno doSetAffinity(IrqDesc desc, CpuMask mask) {
    try {
      k.manage().irqDoSetAffinity(desc, mask, false);
      return null;
    } catch (KernelException e) {
      return e.errno();
    }
  }

  /**
   * irq_needs_fixup: the effective affinity (or the affinity, if the chip keeps none) contains the
   * dying CPU, or holds only offline CPUs, a missed fixup that is repaired now.
   */
  private boolean needsFixup(IrqDesc desc, int cpu) {
    CpuMask m = desc.effectiveAffinity().isEmpty() ? desc.affinity() : desc.effectiveAffinity();
    if (!m.without(cpu).isEmpty() && !m.intersects(k.onlineMask())) {
      k.log().warn("Eff. affinity " + m.toList() + " of IRQ " + desc.irq()
          + " contains only offline CPUs after offlining CPU " + cpu);
      return true;
    }
    return m.contains(cpu);
  }

  /**
   * irq_fixup_move_pending (migration.c): a pending move whose mask has no online CPU is dropped;
   * otherwise it is used, and cleared when {@code forceClear}. The pending mask itself stays.
   */
  private boolean fixupMovePending(IrqDesc desc, boolean forceClear) {
    IrqData d = desc.data();
    if (!d.is(IrqdState.SETAFFINITY_PENDING)) {
      return false;
    }
    if (!desc.pendingMask().intersects(k.onlineMask())) {
      d.clear(IrqdState.SETAFFINITY_PENDING);
      return false;
    }
    if (forceClear) {
      d.clear(IrqdState.SETAFFINITY_PENDING);
    }
    return true;
  }

  /**
   * irq_affinity_online_cpu: runs on the new CPU once it is online (CPUHP_AP_IRQ_AFFINITY_ONLINE)
   * and gives managed lines of its mask their CPU back.
   */
  public void affinityOnlineCpu(int cpu) {
    k.descs().forEach(irq -> {
      IrqDesc desc = k.descs().get(irq);
      boolean f = k.localIrqSave();
      desc.lock().lock();
      try {
        restoreAffinityOfIrq(desc, cpu);
      } finally {
        desc.lock().unlock();
        k.localIrqRestore(f);
      }
    });
  }

  /** irq_restore_affinity_of_irq: only requested managed lines whose mask has {@code cpu}. */
  private void restoreAffinityOfIrq(IrqDesc desc, int cpu) {
    IrqData d = desc.data();
    if (!d.is(IrqdState.AFFINITY_MANAGED) || desc.action() == null || d.chip() == null
        || !desc.affinity().contains(cpu)) {
      return;
    }
    if (d.is(IrqdState.MANAGED_SHUTDOWN)) {
      restartManaged(desc);
      return;
    }
    // A single-target line (every x86 vector) already sits on a CPU of its mask; for the others
    // irq_set_affinity_locked's result is ignored (a VMD child's chip has no setter: EINVAL).
    if (!d.is(IrqdState.SINGLE_TARGET)) {
      try {
        k.manage().irqSetAffinityLocked(desc, desc.affinity(), false);
      } catch (irqlab.kernel.KernelException e) {
        // irq_restore_affinity_of_irq does not look at the result
      }
    }
  }

  /**
   * A managed line shut down for lack of CPUs gets one back. 6.12 (cpuhotplug.c
   * irq_restore_affinity_of_irq): irq_startup(desc, IRQ_RESEND, IRQ_START_COND), which sets depth
   * 0 and starts the line even when its driver had disabled it. With 788019eb559f (the 6.16
   * profile): {@link #irqStartupManaged}.
   */
  public void restartManaged(IrqDesc desc) {
    if (k.profile().has(KernelProfile.Behaviour.MANAGED_DEPTH_KEPT)) {
      irqStartupManaged(desc);
    } else {
      k.chipFlow().irqStartup(desc, ChipFlow.RESEND);
    }
  }

  /**
   * irq_startup_managed (chip.c, v6.16; 6.12 has no such function): takes back the level irq_shutdown added and starts the
   * line only when no disable is left (788019eb559f); with 2b32fc8ff08d the flag is cleared first
   * so that a second CPU of the mask coming back does not take another level.
   */
  public void irqStartupManaged(IrqDesc desc) {
    if (k.profile().has(KernelProfile.Behaviour.MANAGED_RESTART_CLEARS_SHUTDOWN)) {
      desc.data().clear(IrqdState.MANAGED_SHUTDOWN);
    }
    desc.setDepth(desc.depth() - 1);
    if (desc.depth() == 0) {
      k.chipFlow().irqStartup(desc, ChipFlow.RESEND);
    }
  }
}
