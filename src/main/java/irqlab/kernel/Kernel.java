package irqlab.kernel;

import irqlab.exec.Actor;
import irqlab.exec.Exec;
import irqlab.hw.cpu.Cpu;
import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.domain.IrqDomains;
import irqlab.kernel.irq.ChipFlow;
import irqlab.kernel.irq.IrqDescTable;
import irqlab.kernel.irq.Manage;
import irqlab.kernel.irq.Migration;
import irqlab.kernel.irq.Resend;
import irqlab.kernel.irq.Spurious;
import irqlab.kernel.domain.IrqDomain;
import irqlab.kernel.iommu.IntelIommu;
import irqlab.kernel.iommu.IommuOptions;
import irqlab.kernel.msi.MsiCore;
import irqlab.kernel.msi.MsiParent;
import irqlab.kernel.pci.PciIms;
import irqlab.kernel.pci.PciMsi;
import irqlab.kernel.x86.CommonInterrupt;
import irqlab.kernel.x86.SmpBoot;
import irqlab.kernel.x86.X86MsiParent;
import irqlab.kernel.x86.VectorDomain;
import irqlab.kernel.x86.VectorMatrix;
import java.util.ArrayList;
import java.util.List;

/**
 * One booted kernel on one machine: the genirq core, the domain hierarchy and the x86 vector
 * layer, bound to the machine's CPUs. It reaches hardware only through the accessors of
 * {@code irqlab.hw}; everything it learns about time and concurrency comes from {@link Exec}.
 */
public final class Kernel {
  /** CONFIG_HZ of the Debian kernel the reference dumps come from. */
  public static final int HZ = 250;
  public static final long JIFFY_NS = 1_000_000_000L / HZ;
  /** First dynamic irq on q35: the IO-APIC's 24 pins come first (gsi_top). */
  public static final int GSI_TOP = 24;

  private final Exec exec;
  private final List<Cpu> cpus;
  /** The same CPUs in an array: {@link #cpu} runs several times per interrupt. */
  private final Cpu[] cpuArray;
  private final irqlab.kernel.x86.ApicDriver apicDriver;
  private final CpuMask[] single;
  /** cpu_possible_mask: fixed at boot, asked for on every allocation. */
  private final CpuMask possible;
  private final List<KernelObserver> observers = new ArrayList<>();
  private final KernelLog log;
  private final Lockdep lockdep;
  private final Variants variants;
  private final KernelProfile profile;
  private final IrqDescTable descs;
  private final irqlab.exec.Rcu rcu;
  private final IrqDomains domains;
  private final ChipFlow chipFlow;
  private final Manage manage;
  private final Migration migration;
  private final Resend resend;
  private final Spurious spurious;
  private final VectorMatrix matrix;
  private final VectorDomain vectorDomain;
  private final SmpBoot smpBoot;
  private final irqlab.kernel.x86.IrqStat irqStat;
  private final CommonInterrupt entry;
  private final MsiCore msiCore;
  private final MsiParent msiParent;
  /** The remapping unit's driver (null without interrupt remapping). */
  private final IntelIommu intelIommu;
  private final IommuOptions iommuOptions;
  private final PciMsi pciMsi;
  private final PciIms pciIms;
  private final irqlab.kernel.pci.PciIntx pciIntx = new irqlab.kernel.pci.PciIntx();
  /** The IO-APIC's domain (null on a machine without chipset). */
  private irqlab.kernel.x86.IoApicDomain ioApic;
  private final Actor[] cpuActors;
  private final irqlab.kernel.cpu.CpuHp cpuHp = new irqlab.kernel.cpu.CpuHp();
  private final java.util.Map<String, Ida> idas = new java.util.TreeMap<>();
  private CpuMask online;
  /** Driver timers expiring after this virtual time are not armed (see KernelTimer). */
  private long timerHorizon = Long.MAX_VALUE;
  /** The task running take_cpu_down and the CPU it stands for (see runAsStopper), or null. */
  private Actor stopperActor;
  private int stopperCpu;

  public Kernel(Exec exec, List<Cpu> cpus, Variants variants, boolean msixDynamic) {
    this(exec, cpus, variants, msixDynamic, IommuOptions.NONE);
  }

  /** A kernel on a platform with (or without) an interrupt remapping unit, see {@link IommuOptions}. */
  public Kernel(Exec exec, List<Cpu> cpus, Variants variants, boolean msixDynamic, IommuOptions iommu) {
    this(exec, cpus, KernelProfile.defaultProfile(), variants, msixDynamic, iommu);
  }

  /** A kernel of version {@code profile} (6.12.117 as shipped unless told otherwise). */
  public Kernel(Exec exec, List<Cpu> cpus, KernelProfile profile, Variants variants, boolean msixDynamic,
      IommuOptions iommu) {
    this.exec = exec;
    this.cpus = List.copyOf(cpus);
    this.cpuArray = this.cpus.toArray(new Cpu[0]);
    int maxApicId = 0;
    for (Cpu c : cpuArray) {
      maxApicId = Math.max(maxApicId, c.apic().apicId());
    }
    this.apicDriver = irqlab.kernel.x86.ApicDriver.forMaxApicId(maxApicId);
    this.profile = profile;
    this.variants = variants;
    this.single = new CpuMask[cpus.size()];
    this.possible = CpuMask.first(cpus.size());
    for (int i = 0; i < single.length; i++) {
      single[i] = CpuMask.of(i);
    }
    this.online = CpuMask.first(cpus.size());
    this.cpuActors = new Actor[cpus.size()];
    for (int i = 0; i < cpuActors.length; i++) {
      cpuActors[i] = exec.newActor("cpu" + i, Actor.Kind.CPU, i);
    }
    this.log = new KernelLog(exec, observers);
    // Every modelled lock reports to lockdep, as CONFIG_PROVE_LOCKING kernels do.
    this.lockdep = new Lockdep(this);
    exec.setLockWatch(lockdep);
    if (apicDriver.x2apic()) {
      // check_x2apic: firmware with APIC ids above 0xFE hands over in x2APIC mode.
      log.info("x2apic: enabled by BIOS, switching to x2apic ops");
    }
    this.descs = new IrqDescTable(exec, GSI_TOP);
    this.rcu = new irqlab.exec.Rcu(exec);
    descs.setRelease(this::releaseDesc);
    descs.onFree(d -> {
      for (KernelObserver o : observers) {
        o.descFreed(d);
      }
    });
    this.domains = new IrqDomains(descs);
    this.chipFlow = new ChipFlow(this);
    this.manage = new Manage(this);
    this.migration = new Migration(this);
    this.resend = new Resend(this);
    this.spurious = new Spurious(this);
    this.matrix = VectorMatrix.x86Boot(cpus.size());
    this.vectorDomain = new VectorDomain(this, matrix);
    this.irqStat = new irqlab.kernel.x86.IrqStat(this, cpus.size());
    this.smpBoot = new SmpBoot(this, vectorDomain);
    this.entry = new CommonInterrupt(this, vectorDomain);
    exec.attachCpus(entry);
    // Every sleeping primitive of the exec layer (Mutex, Completion, WaitQueue, sleep) checks here.
    exec.setMightSleep(this::mightSleep);
    this.msiCore = new MsiCore(this);
    this.iommuOptions = iommu;
    X86MsiParent vectorParent = new X86MsiParent(this, msixDynamic);
    // With remapping, INTEL-IR sits between VECTOR and the per-device domains and is their MSI parent.
    this.intelIommu = iommu.remapping() ? new IntelIommu(this, iommu, vectorParent, msixDynamic) : null;
    if (apicDriver.x2apic() && (intelIommu == null || !intelIommu.eim())) {
      // try_to_enable_x2apic (arch/x86/kernel/apic/apic.c) without remapping in x2APIC mode; the
      // scenario reader refuses such a machine before it gets here.
      throw new KernelException(Errno.EINVAL, "x2apic: IRQ remapping doesn't support X2APIC mode");
    }
    if (apicDriver.x2apic()) {
      log.info("APIC: Switched APIC routing to: " + apicDriver.linuxName());
    }
    this.msiParent = intelIommu != null ? intelIommu.irDomain() : vectorParent;
    this.pciMsi = new PciMsi(this, msiCore, msiParent);
    this.pciIms = new PciIms(this, msiCore, msiParent, msiParentDomain());
    if (intelIommu != null && !iommu.faultIrqLater()) {
      intelIommu.enableFaultHandling();
    }
  }

  public MsiCore msiCore() {
    return msiCore;
  }

  /** The MSI parent of per-device domains: VECTOR, or INTEL-IR under remapping. */
  public MsiParent msiParent() {
    return msiParent;
  }

  /** The domain per-device MSI domains are created under. */
  public IrqDomain msiParentDomain() {
    return intelIommu != null ? intelIommu.irDomain().domain() : vectorDomain.domain();
  }

  /** The APIC driver: how interrupt messages name their destination CPU. */
  public irqlab.kernel.x86.ApicDriver apicDriver() {
    return apicDriver;
  }

  /** The interrupt remapping unit's driver, or null when the machine has no remapping. */
  public IntelIommu intelIommu() {
    return intelIommu;
  }

  /** The IOMMU side of the configuration (the remapping unit, vfio's allow_unsafe_interrupts). */
  public IommuOptions iommuOptions() {
    return iommuOptions;
  }

  public PciMsi pciMsi() {
    return pciMsi;
  }

  /**
   * The boot steps of a machine with an IO-APIC (the HPET's empty MSI domain, setup_IO_APIC and
   * the ACPI interrupt routing):
   * the IO-APIC domain takes over the ISA irqs, and PCI pins are routed through the firmware's
   * table to the GSIs (irq = GSI) when a device is enabled.
   */
  public void bootIoApic(irqlab.hw.ioapic.Firmware fw, irqlab.hw.ioapic.IoApic hw) {
    new irqlab.kernel.x86.HpetMsiDomain(this, 0);
    ioApic = new irqlab.kernel.x86.IoApicDomain(this, fw, hw);
    ioApic.boot();
    pciIntx.setRouting(dev -> ioApic.mapGsi(fw.gsiOf(dev.function().bdf(), dev.pin())));
  }

  /** The IO-APIC's domain, or null. */
  public irqlab.kernel.x86.IoApicDomain ioApic() {
    return ioApic;
  }

  /** INTx routing and the command register's INTx bit. */
  public irqlab.kernel.pci.PciIntx pciIntx() {
    return pciIntx;
  }

  /** PCI/IMS (v6.2): offered only where the MSI parent supports it (x86: with remapping). */
  public PciIms pciIms() {
    return pciIms;
  }

  public Exec exec() {
    return exec;
  }

  public int nrCpus() {
    return cpus.size();
  }

  /** The hardware CPU, for the arch code's accessors. */
  public Cpu cpu(int index) {
    return cpuArray[index];
  }

  /** The actor that runs CPU {@code cpu}'s interrupts and timers. */
  public Actor cpuActor(int cpu) {
    return cpuActors[cpu];
  }

  /** Stops periodic driver timers after {@code ns} of virtual time, so that a run ends. */
  public void setTimerHorizon(long ns) {
    this.timerHorizon = ns;
  }

  public long timerHorizon() {
    return timerHorizon;
  }

  public CpuMask onlineMask() {
    return online;
  }

  public void setOnlineMask(CpuMask m) {
    this.online = m;
  }

  public boolean cpuOnline(int cpu) {
    return online.contains(cpu);
  }

  /** cpumask_of(cpu), cached. */
  public CpuMask cpumaskOf(int cpu) {
    return single[cpu];
  }

  public CpuMask possibleMask() {
    return possible;
  }

  /** smp_processor_id(): the CPU the current actor runs on. */
  public int smpProcessorId() {
    Actor a = exec.current();
    return a == stopperActor ? stopperCpu : a.cpu();
  }

  /**
   * Runs {@code work} as CPU {@code cpu}'s stopper thread under stop_machine (take_cpu_down): the
   * calling task's code sees that CPU as smp_processor_id(), as the kernel's code on the dying
   * CPU does, so "this CPU" interrupts, IRR and vector_irq are the dying CPU's.
   */
  public void runAsStopper(int cpu, Runnable work) {
    Actor saved = stopperActor;
    int savedCpu = stopperCpu;
    stopperActor = exec.current();
    stopperCpu = cpu;
    try {
      work.run();
    } finally {
      stopperActor = saved;
      stopperCpu = savedCpu;
    }
  }

  /** local_irq_save(): clears IF on this CPU and returns the previous state. */
  public boolean localIrqSave() {
    // An irq-off section is atomic like a raw spinlock: might_sleep and explore's same-CPU
    // exclusion both read the actor's atomic depth.
    exec.current().enterAtomic();
    int c = smpProcessorId();
    return c >= 0 && cpus.get(c).setInterruptsEnabled(false);
  }

  /** local_irq_restore(): re-enabling lets a pending interrupt in at once. */
  public void localIrqRestore(boolean wasEnabled) {
    exec.current().exitAtomic();
    int c = smpProcessorId();
    if (c >= 0 && wasEnabled) {
      cpus.get(c).setInterruptsEnabled(true);
      exec.interruptRaised(c);
    }
  }

  public boolean irqsDisabled() {
    int c = smpProcessorId();
    return c >= 0 && !cpus.get(c).interruptsEnabled();
  }

  public Actor current() {
    return exec.current();
  }

  /** might_sleep(): a sleeping call from atomic context is reported, as CONFIG_DEBUG_ATOMIC_SLEEP does. */
  public void mightSleep(String what) {
    Actor a = exec.current();
    if (a.atomicDepth() > 0 || a.inHardirq() || irqsDisabled()) {
      log.err("BUG: sleeping function called from invalid context at " + what);
      for (KernelObserver o : observers) {
        o.sleepingInAtomic(what, a.name());
      }
    }
  }

  public void addObserver(KernelObserver o) {
    observers.add(o);
  }

  public List<KernelObserver> observers() {
    return observers;
  }

  public KernelLog log() {
    return log;
  }

  public Variants variants() {
    return variants;
  }

  /** The kernel version whose behaviours this kernel has (machine.kernel.version). */
  public KernelProfile profile() {
    return profile;
  }

  public IrqDescTable descs() {
    return descs;
  }

  /** The machine's RCU: hard interrupts are read-side sections; call_rcu, synchronize_rcu. */
  public irqlab.exec.Rcu rcu() {
    return rcu;
  }

  /**
   * free_desc: the descriptor left the table; its memory goes after an RCU grace period
   * (delayed_free_desc, 425a5072dcd1), or at once before that commit (vmd-rcu-list-only). Who
   * freed it is kept for a later use's report; the call chain only where a reader could be late.
   */
  private void releaseDesc(irqlab.kernel.irq.IrqDesc d) {
    boolean readersMayFollow = rcu.readers() > 0 || exec.exploring();
    if (variants.on(Variants.VMD_RCU_LIST_ONLY)) {
      exec.point("free_desc: kfree(desc)", descs.descMemory(), IrqDescTable.memoryOffset(d), irqlab.exec.Access.WRITE);
      IrqDescTable.markFreed(d, Freed.now(this, "irq_free_descs, freed at once", readersMayFollow));
      return;
    }
    Freed f = Freed.now(this, "irq_free_descs, delayed_free_desc after an RCU grace period", readersMayFollow);
    rcu.call(() -> IrqDescTable.markFreed(d, f));
  }

  public IrqDomains domains() {
    return domains;
  }

  public ChipFlow chipFlow() {
    return chipFlow;
  }

  public Manage manage() {
    return manage;
  }

  public Migration migration() {
    return migration;
  }

  public Resend resend() {
    return resend;
  }

  public Spurious spurious() {
    return spurious;
  }

  public VectorMatrix matrix() {
    return matrix;
  }

  /** The kernel's ID allocator named {@code name} ("nvme", "virtio", "eth"), made on first use. */
  public Ida ida(String name) {
    return idas.computeIfAbsent(name, n -> new Ida());
  }

  /** The hotplug states drivers register callbacks with. */
  public irqlab.kernel.cpu.CpuHp cpuHp() {
    return cpuHp;
  }

  /** The per-CPU counters of /proc/interrupts' architecture rows. */
  public irqlab.kernel.x86.IrqStat irqStat() {
    return irqStat;
  }

  /** CPU hotplug: cpu_down and cpu_up. */
  public SmpBoot smpBoot() {
    return smpBoot;
  }

  public VectorDomain vectorDomain() {
    return vectorDomain;
  }

  public CommonInterrupt interruptEntry() {
    return entry;
  }
}
