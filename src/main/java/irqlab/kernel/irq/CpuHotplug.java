package irqlab.kernel.irq;

import irqlab.kernel.Errno;
import irqlab.kernel.Kernel;
import irqlab.kernel.KernelException;
import irqlab.kernel.RateLimit;
import irqlab.kernel.Variants;
import irqlab.kernel.cpu.CpuMask;

/**
 * kernel/irq/cpuhotplug.c: every interrupt leaves a CPU that goes offline (a pending affinity
 * change is honoured first; an unmanaged line whose mask has no online CPU left goes to any online
 * CPU; a managed one is shut down), and managed lines shut down for lack of CPUs start again when
 * a CPU of their mask comes back, unless a driver still has them disabled.
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

  public CpuHotplug(Kernel k) {
    this.k = k;
  }

  /**
   * irq_migrate_all_off_this_cpu: runs on the dying CPU with interrupts off, after it left the
   * online mask. The caller holds interrupts off on its own CPU too.
   */
  public void migrateAllOffThisCpu(int cpu, Arch arch) {
    k.descs().forEach(irq -> {
      IrqDesc desc = k.descs().get(irq);
      boolean broken;
      desc.lock().lock();
      try {
        broken = migrateOneIrq(desc, cpu, arch);
      } finally {
        desc.lock().unlock();
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
    boolean maskchip = !d.is(IrqdState.MOVE_PCNTXT) && !d.is(IrqdState.IRQ_MASKED);
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
      irqStartupManaged(desc);
    }
    // A single-target line (every x86 vector) already sits on a CPU of its mask.
    if (!d.is(IrqdState.SINGLE_TARGET)) {
      k.manage().irqSetAffinityLocked(desc, desc.affinity(), false);
    }
  }

  /**
   * irq_startup_managed (chip.c): takes back the level irq_shutdown added and starts the line only
   * when no disable is left (788019eb559f); the flag is cleared first so that a second CPU of the
   * mask coming back does not take another level (2b32fc8ff08d).
   */
  public void irqStartupManaged(IrqDesc desc) {
    desc.data().clear(IrqdState.MANAGED_SHUTDOWN);
    desc.setDepth(desc.depth() - 1);
    if (desc.depth() == 0) {
      k.chipFlow().irqStartup(desc, ChipFlow.RESEND);
    }
  }
}
