package irqlab.kernel.irq;

import irqlab.exec.Exec;
import irqlab.exec.RawSpinLock;
import irqlab.kernel.cpu.CpuMask;

/**
 * struct irq_desc: one Linux interrupt number. Holds the outermost irq_data, the flow handler,
 * the action, the disable depth, the istate and IRQD state words, the affinity masks and the
 * per-CPU counts. Per-CPU counters are allocated on the first interrupt so that a million
 * allocated but idle interrupts stay small.
 */
public final class IrqDesc {
  private final int irq;
  private final IrqData data;
  /** desc->lock, made on first use: a million allocated, never requested lines need none. */
  private RawSpinLock lock;
  private final Exec exec;
  private FlowHandler handler;
  private String handlerName;
  private IrqAction action;
  private int depth = 1;
  /** The IRQS_* bits (all below 0x8000: a short keeps a million allocated lines small). */
  private short istate = IrqsState.SYSFS;
  // desc_set_defaults (kernel/irq/irqdesc.c): a new line is disabled and masked, depth 1.
  private int state = IrqdState.IRQ_DISABLED | IrqdState.IRQ_MASKED;
  private int status;
  private CpuMask affinity;
  private CpuMask effectiveAffinity = CpuMask.EMPTY;
  private CpuMask pendingMask = CpuMask.EMPTY;
  private String devName = "";
  /** The NUMA node (a short: a million allocated lines each have one). */
  private short node;
  private Object msiDesc;
  /**
   * Per-CPU counts: while one CPU has taken the line (the usual case, one effective target), that
   * CPU is {@link #kstatCpu} and its count is {@link #totalCount}; from the second CPU on, an array
   * of all CPUs. A 1,024-CPU machine would otherwise give each line that ever fires 8 KiB.
   */
  private long[] kstat;
  private short kstatCpu = -1;
  /** desc->dir: /proc/irq/N exists (fits the object's padding: no byte more per line). */
  private boolean procDir;
  private long totalCount;
  // note_interrupt() bookkeeping (kernel/irq/spurious.c).
  /**
   * What most lines never have: note_interrupt's bookkeeping (made when a handler first goes
   * unhandled), an affinity hint, a wake depth, who freed the descriptor. Null until one is set.
   */
  private Rare rare;

  public IrqDesc(int irq, IrqData.Factory dataFactory, RawSpinLock lock, CpuMask defaultAffinity) {
    this.irq = irq;
    this.lock = lock;
    this.exec = null;
    this.affinity = defaultAffinity;
    this.data = dataFactory.create(this);
  }

  /** A descriptor whose lock is made on {@code exec} when first taken. */
  public IrqDesc(int irq, IrqData.Factory dataFactory, Exec exec, CpuMask defaultAffinity) {
    this.irq = irq;
    this.exec = exec;
    this.affinity = defaultAffinity;
    this.data = dataFactory.create(this);
  }

  public int irq() {
    return irq;
  }

  /** The outermost irq_data (desc->irq_data). */
  public IrqData data() {
    return data;
  }

  public IrqChip chip() {
    return data.chip();
  }

  public RawSpinLock lock() {
    RawSpinLock l = lock;
    if (l == null) {
      l = lock = new RawSpinLock(exec, "irq_desc", irq);
    }
    return l;
  }

  public FlowHandler handler() {
    return handler;
  }

  /** The flow name shown after the hwirq in /proc/interrupts ("edge"). */
  public String handlerName() {
    return handlerName;
  }

  /** irq_set_chip_and_handler_name's handler half. */
  public void setHandler(FlowHandler handler, String name) {
    this.handler = handler;
    this.handlerName = name;
  }

  public IrqAction action() {
    return action;
  }

  public void setAction(IrqAction action) {
    this.action = action;
  }

  public int depth() {
    return depth;
  }

  public void setDepth(int depth) {
    this.depth = depth;
  }

  public int wakeDepth() {
    return rare == null ? 0 : rare.wakeDepth;
  }

  public int istate() {
    return istate & 0xffff;
  }

  public boolean istate(int bits) {
    return (istate & bits) != 0;
  }

  public void setIstate(int bits) {
    istate |= bits;
  }

  public void clearIstate(int bits) {
    istate &= ~bits;
  }

  public int state() {
    return state;
  }

  public boolean is(int bits) {
    return (state & bits) != 0;
  }

  void setState(int bits) {
    state |= bits;
  }

  void clearState(int bits) {
    state &= ~bits;
  }

  /** desc->status_use_accessors (the _IRQ_* settings). */
  public int status() {
    return status;
  }

  /** IRQ_* status settings (include/linux/irq.h). */
  public static final int STATUS_LEVEL = 1 << 8;
  public static final int STATUS_NOPROBE = 1 << 10;
  public static final int STATUS_NOBALANCING = 1 << 13;
  public static final int STATUS_MOVE_PCNTXT = 1 << 14;

  /**
   * irq_set_status_flags: the settings with an IRQD twin set it too, as __irq_modify_status
   * does (IRQ_MOVE_PCNTXT, IRQ_LEVEL; IRQ_NOBALANCING as __setup_irq does).
   */
  public void setStatusFlags(int flags) {
    status |= flags;
    if ((flags & STATUS_MOVE_PCNTXT) != 0) {
      setState(IrqdState.MOVE_PCNTXT);
    }
    if ((flags & STATUS_LEVEL) != 0) {
      setState(IrqdState.LEVEL);
    }
    if ((flags & STATUS_NOBALANCING) != 0) {
      setState(IrqdState.NO_BALANCING);
    }
  }

  public CpuMask affinity() {
    return affinity;
  }

  public void setAffinity(CpuMask mask) {
    this.affinity = mask;
  }

  public CpuMask effectiveAffinity() {
    return effectiveAffinity;
  }

  public void setEffectiveAffinity(CpuMask mask) {
    this.effectiveAffinity = mask;
  }

  public CpuMask pendingMask() {
    return pendingMask;
  }

  public void setPendingMask(CpuMask mask) {
    this.pendingMask = mask;
  }

  /** desc->affinity_hint (/proc/irq/N/affinity_hint), null when the driver gave none. */
  public CpuMask affinityHint() {
    return rare == null ? null : rare.affinityHint;
  }

  public void setAffinityHint(CpuMask hint) {
    if (hint != null || rare != null) {
      rare().affinityHint = hint;
    }
  }

  public String devName() {
    return devName;
  }

  public void setDevName(String devName) {
    this.devName = devName;
  }

  public int node() {
    return node;
  }

  public void setNode(int node) {
    this.node = (short) node;
  }

  public Object msiDesc() {
    return msiDesc;
  }

  public void setMsiDesc(Object msiDesc) {
    this.msiDesc = msiDesc;
  }

  /** kstat_incr_irqs_this_cpu. */
  public void countOn(int cpu, int nrCpus) {
    long[] k = kstat;
    if (k == null) {
      if (kstatCpu == cpu || kstatCpu < 0) {
        kstatCpu = (short) cpu;
        totalCount++;
        return;
      }
      k = kstat = new long[nrCpus];
      k[kstatCpu] = totalCount;
    }
    k[cpu]++;
    totalCount++;
  }

  /** Interrupts this CPU counted for the line, as /proc/interrupts shows them. */
  public long count(int cpu) {
    if (kstat == null) {
      return cpu == kstatCpu ? totalCount : 0;
    }
    return cpu >= kstat.length ? 0 : kstat[cpu];
  }

  public long totalCount() {
    return totalCount;
  }

  /** The fields of {@link #rare}: the spurious-interrupt counters and the settings few lines get. */
  private static final class Rare {
    long[] perCpu;
    int irqCount;
    int irqsUnhandled;
    long lastUnhandledNs;
    int wakeDepth;
    CpuMask affinityHint;
    irqlab.kernel.Freed freed;
  }

  private Rare rare() {
    Rare r = rare;
    if (r == null) {
      r = rare = new Rare();
    }
    return r;
  }

  /** Handler invocations on {@code cpu} that no action claimed (IRQ_NONE). */
  public long unhandled(int cpu) {
    long[] p = rare == null ? null : rare.perCpu;
    return p == null || cpu >= p.length ? 0 : p[cpu];
  }

  void countUnhandledOn(int cpu, int nrCpus) {
    Rare u = rare();
    if (u.perCpu == null) {
      u.perCpu = new long[nrCpus];
    }
    u.perCpu[cpu]++;
  }

  int irqCount() {
    return rare == null ? 0 : rare.irqCount;
  }

  void setIrqCount(int n) {
    if (n != 0 || rare != null) {
      rare().irqCount = n;
    }
  }

  public int irqsUnhandled() {
    return rare == null ? 0 : rare.irqsUnhandled;
  }

  void setIrqsUnhandled(int n) {
    if (n != 0 || rare != null) {
      rare().irqsUnhandled = n;
    }
  }

  long lastUnhandledNs() {
    return rare == null ? 0 : rare.lastUnhandledNs;
  }

  void setLastUnhandledNs(long t) {
    if (t != 0 || rare != null) {
      rare().lastUnhandledNs = t;
    }
  }

  /**
   * register_irq_proc (kernel/irq/proc.c): /proc/irq/N is made for the descriptors that exist when
   * init_irq_proc runs at boot and, for later ones, by __setup_irq at their first request_irq; it
   * goes with the descriptor (irq_free_descs), not with free_irq.
   */
  public void registerProc() {
    procDir = true;
  }

  /** Whether /proc/irq/N exists (see {@link #registerProc}). */
  public boolean hasProcDir() {
    return procDir;
  }

  /**
   * Set once the descriptor's memory is returned (at irq_free_descs before 425a5072dcd1, after an
   * RCU grace period since, delayed_free_desc); any later use is a use-after-free.
   */
  public boolean freed() {
    return rare != null && rare.freed != null;
  }

  /** Who freed the descriptor, or null while it is valid. */
  public irqlab.kernel.Freed freedBy() {
    return rare == null ? null : rare.freed;
  }

  void markFreed(irqlab.kernel.Freed by) {
    if (by != null || rare != null) {
      rare().freed = by;
    }
  }

  @Override
  public String toString() {
    return "irq " + irq;
  }
}
