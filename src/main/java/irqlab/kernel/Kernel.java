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
import irqlab.kernel.msi.MsiCore;
import irqlab.kernel.pci.PciMsi;
import irqlab.kernel.x86.CommonInterrupt;
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
  private final CpuMask[] single;
  private final List<KernelObserver> observers = new ArrayList<>();
  private final KernelLog log;
  private final Variants variants;
  private final IrqDescTable descs;
  private final IrqDomains domains;
  private final ChipFlow chipFlow;
  private final Manage manage;
  private final Migration migration;
  private final Resend resend;
  private final Spurious spurious;
  private final VectorMatrix matrix;
  private final VectorDomain vectorDomain;
  private final CommonInterrupt entry;
  private final MsiCore msiCore;
  private final X86MsiParent msiParent;
  private final PciMsi pciMsi;
  private final Actor[] cpuActors;
  private CpuMask online;

  public Kernel(Exec exec, List<Cpu> cpus, Variants variants, boolean msixDynamic) {
    this.exec = exec;
    this.cpus = List.copyOf(cpus);
    this.variants = variants;
    this.single = new CpuMask[cpus.size()];
    for (int i = 0; i < single.length; i++) {
      single[i] = CpuMask.of(i);
    }
    this.online = CpuMask.first(cpus.size());
    this.cpuActors = new Actor[cpus.size()];
    for (int i = 0; i < cpuActors.length; i++) {
      cpuActors[i] = exec.newActor("cpu" + i, Actor.Kind.CPU, i);
    }
    this.log = new KernelLog(exec, observers);
    this.descs = new IrqDescTable(exec, GSI_TOP);
    this.domains = new IrqDomains(descs);
    this.chipFlow = new ChipFlow(this);
    this.manage = new Manage(this);
    this.migration = new Migration(this);
    this.resend = new Resend(this);
    this.spurious = new Spurious(this);
    this.matrix = VectorMatrix.x86Boot(cpus.size());
    this.vectorDomain = new VectorDomain(this, matrix);
    this.entry = new CommonInterrupt(this, vectorDomain);
    exec.attachCpus(entry);
    this.msiCore = new MsiCore(this);
    this.msiParent = new X86MsiParent(this, msixDynamic);
    this.pciMsi = new PciMsi(this, msiCore, msiParent);
  }

  public MsiCore msiCore() {
    return msiCore;
  }

  public X86MsiParent msiParent() {
    return msiParent;
  }

  public PciMsi pciMsi() {
    return pciMsi;
  }

  public Exec exec() {
    return exec;
  }

  public int nrCpus() {
    return cpus.size();
  }

  /** The hardware CPU, for the arch code's accessors. */
  public Cpu cpu(int index) {
    return cpus.get(index);
  }

  /** The actor that runs CPU {@code cpu}'s interrupts and timers. */
  public Actor cpuActor(int cpu) {
    return cpuActors[cpu];
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
    return CpuMask.first(cpus.size());
  }

  /** smp_processor_id(): the CPU the current actor runs on. */
  public int smpProcessorId() {
    return exec.current().cpu();
  }

  /** local_irq_save(): clears IF on this CPU and returns the previous state. */
  public boolean localIrqSave() {
    int c = smpProcessorId();
    return c >= 0 && cpus.get(c).setInterruptsEnabled(false);
  }

  /** local_irq_restore(): re-enabling lets a pending interrupt in at once. */
  public void localIrqRestore(boolean wasEnabled) {
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

  public IrqDescTable descs() {
    return descs;
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

  public VectorDomain vectorDomain() {
    return vectorDomain;
  }

  public CommonInterrupt interruptEntry() {
    return entry;
  }
}
