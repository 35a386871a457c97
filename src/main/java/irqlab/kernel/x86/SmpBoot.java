package irqlab.kernel.x86;

import irqlab.exec.Actor;
import irqlab.hw.cpu.Cpu;
import irqlab.kernel.Errno;
import irqlab.kernel.Kernel;
import irqlab.kernel.KernelException;
import irqlab.kernel.Variants;
import irqlab.kernel.irq.CpuHotplug;

/**
 * CPU hotplug on x86 as a write to /sys/devices/system/cpu/cpuN/online drives it (kernel/cpu.c
 * with arch/x86/kernel/smpboot.c). Offline runs take_cpu_down's part on the dying CPU with its
 * interrupts off: native_cpu_disable checks the vector space, leaves the online mask, moves every
 * interrupt away (fixup_irqs), takes the vector space down, and the CPU stops. Online brings the
 * CPU up through INIT, puts its vector space back and restarts managed interrupts of its mask.
 */
public final class SmpBoot {
  private final Kernel k;
  private final VectorDomain vd;
  private final VectorHotplug vectors;
  private final CpuHotplug irqs;

  public SmpBoot(Kernel k, VectorDomain vd) {
    this.k = k;
    this.vd = vd;
    this.vectors = new VectorHotplug(k, vd);
    this.irqs = new CpuHotplug(k);
  }

  /** The generic half (kernel/irq/cpuhotplug.c). */
  public CpuHotplug cpuHotplug() {
    return irqs;
  }

  /**
   * cpu_down: false when the CPU is offline already (the write succeeds and changes nothing).
   * EACCES for CPU 0, which has no online file on x86 in 6.12 (arch/x86/kernel/setup.c
   * arch_cpu_is_hotpluggable is cpu > 0, so drivers/base/core.c device_add makes no 'online'):
   * a shell's "echo 0 >" opens it with O_CREAT, and sysfs directories cannot create files
   * (fs/namei.c lookup_open: no ->create, -EACCES);
   * ENOSPC, with nothing changed, when the other CPUs cannot take its vectors.
   */
  public boolean cpuDown(int cpu) {
    checkCpu(cpu);
    if (cpu == 0) {
      throw noOnlineFile();
    }
    if (!k.cpuOnline(cpu)) {
      return false;
    }
    // The drivers' AP states go first, highest first, on the way down to stop_machine.
    k.cpuHp().teardownAp(cpu);
    // The early hotplug step the IMS threads proposed: bus-locked lines leave the CPU here, in
    // this preemptible task, while it is still online, so fixup_irqs below finds none of them.
    boolean early = !k.variants().on(Variants.IMS_MIGRATE_IN_STOPPER);
    if (early) {
      irqs.migrateSlowBusOffCpu(cpu);
    }
    Actor dying = k.cpuActor(cpu);
    Cpu hw = k.cpu(cpu);
    // stop_machine: the stopper turns interrupts off on the dying CPU only once the CPU left what it
    // was handling and took what was already pending, as a CPU with interrupts on does at once.
    // Run mode cannot wait, and needs not: at event boundaries CPUs have taken everything except
    // an IPI raised earlier in this same instant whose dispatch is still queued; that one counts
    // as arriving just after the stopper turned interrupts off, which fixup_irqs deals with.
    // The other CPUs rendezvous the same way (multi_cpu_stop spins with interrupts on before it
    // turns them off): what they had latched before is handled, so that fixup_irqs can free a
    // moved interrupt's old vector without a message still waiting for it in an IRR.
    boolean exploring = k.exec().exploring();
    k.exec().waitUntil("stop_machine", () -> !dying.inHardirq() && dying.atomicDepth() == 0
        && hw.interruptsEnabled() && (!exploring || !hw.canTakeInterrupt() && othersRendezvous(cpu)));
    // The control CPU (this task's) spins in stop_machine with interrupts off as well.
    boolean control = k.localIrqSave();
    boolean restored = false;
    try {
      k.runAsStopper(cpu, () -> takeCpuDown(cpu));
    } catch (KernelException e) {
      k.localIrqRestore(control);
      restored = true;
      if (early) {
        irqs.slowBusOfflineFailed(cpu); // the early step's rollback, back in task context
      }
      k.cpuHp().startupAp(cpu); // cpuhp_rollback: the torn-down AP states come back up
      throw e;
    } finally {
      if (!restored) {
        k.localIrqRestore(control);
      }
    }
    k.log().info("smpboot: CPU " + cpu + " is now offline");
    // The prepare states' dead callbacks, on the control CPU.
    k.cpuHp().teardownDead(cpu);
    return true;
  }

  /** Every other online CPU is out of its handlers with nothing deliverable left (explore mode). */
  private boolean othersRendezvous(int dying) {
    for (int c = k.onlineMask().firstCpu(); c >= 0; c = k.onlineMask().nextCpu(c + 1)) {
      if (c != dying && (k.cpuActor(c).inHardirq() || k.cpu(c).canTakeInterrupt())) {
        return false;
      }
    }
    return true;
  }

  /** take_cpu_down on the dying CPU: native_cpu_disable with the CPU's interrupts off. */
  private void takeCpuDown(int cpu) {
    boolean flags = k.localIrqSave();
    try {
      vectors.canUnplugCpu(cpu);
    } catch (KernelException e) {
      k.localIrqRestore(flags);
      throw e;
    }
    cpuDisableCommon(cpu);
    // apic_soft_disable, then the CPU parks with interrupts off: what is left in its IRR stays
    // there unseen until INIT clears it.
    k.cpu(cpu).setOnline(false);
    k.irqStat().cpuDown(cpu);
    k.localIrqRestore(false);
  }

  /** cpu_disable_common. */
  private void cpuDisableCommon(int cpu) {
    vd.vectorLock().lock();
    try {
      k.setOnlineMask(k.onlineMask().without(cpu));
    } finally {
      vd.vectorLock().unlock();
    }
    // fixup_irqs
    irqs.migrateAllOffThisCpu(cpu, vectors);
    vectors.retriggerPending(cpu);
    vectors.lapicOffline(cpu);
  }

  private static KernelException noOnlineFile() {
    return new KernelException(Errno.EACCES, "CPU 0 is not hotpluggable: /sys/devices/system/cpu/cpu0/online does not exist");
  }

  /** cpu_up: false when the CPU is online already; EACCES for CPU 0 (see {@link #cpuDown}). */
  public boolean cpuUp(int cpu) {
    checkCpu(cpu);
    if (cpu == 0) {
      throw noOnlineFile(); // as for cpuDown: CPU 0 has no online file to write
    }
    if (k.cpuOnline(cpu)) {
      return false;
    }
    Cpu hw = k.cpu(cpu);
    k.log().info("smpboot: Booting Node 0 Processor " + cpu + " APIC 0x" + Integer.toHexString(hw.apic().apicId()));
    // INIT, SIPI: the CPU starts with a reset local APIC and interrupts off (start_secondary).
    hw.apic().init();
    hw.setInterruptsEnabled(false);
    hw.setOnline(true);
    k.irqStat().cpuUp(cpu);
    boolean flags = k.localIrqSave();
    vd.vectorLock().lock();
    try {
      k.setOnlineMask(k.onlineMask().with(cpu));
      vectors.lapicOnlineLocked(cpu);
    } finally {
      vd.vectorLock().unlock();
      k.localIrqRestore(flags);
    }
    hw.setInterruptsEnabled(true);
    // CPUHP_AP_IRQ_AFFINITY_ONLINE, on the new CPU's hotplug thread.
    irqs.affinityOnlineCpu(cpu);
    k.exec().interruptRaised(cpu);
    // The drivers' AP states above it (blk-mq, then the dynamic ones).
    k.cpuHp().startupAp(cpu);
    return true;
  }

  private void checkCpu(int cpu) {
    if (cpu < 0 || cpu >= k.nrCpus()) {
      throw new KernelException(Errno.EINVAL, "no CPU " + cpu);
    }
  }
}
