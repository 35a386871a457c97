package irqlab.kernel.x86;

import irqlab.exec.Access;
import irqlab.exec.Actor;
import irqlab.exec.CpuPort;
import irqlab.hw.cpu.Cpu;
import irqlab.kernel.Kernel;
import irqlab.kernel.KernelObserver;
import irqlab.kernel.irq.IrqDesc;

/**
 * The x86 interrupt entry (arch/x86/kernel/irq.c common_interrupt): the CPU acknowledges the
 * highest deliverable vector with interrupts off, looks it up in its vector_irq table and runs the
 * descriptor's flow handler. A vector bound to nothing, looked at again under vector_lock, gets an
 * EOI and "No irq handler for CPU.VECTOR".
 */
public final class CommonInterrupt implements CpuPort {
  private final Kernel k;
  private final VectorDomain vectors;
  /** The vector each CPU is handling (what the kernel reads back from orig_ax). */
  private final int[] currentVector;
  private final long[] noHandler;
  /** The CPUs by number: the explorer asks about them at nearly every step. */
  private final Cpu[] hw;

  public CommonInterrupt(Kernel k, VectorDomain vectors) {
    this.k = k;
    this.vectors = vectors;
    this.currentVector = new int[k.nrCpus()];
    this.noHandler = new long[k.nrCpus()];
    this.hw = new Cpu[k.nrCpus()];
    for (int c = 0; c < hw.length; c++) {
      hw[c] = k.cpu(c);
    }
  }

  @Override
  public boolean canTakeInterrupt(int cpu) {
    return hw[cpu].canTakeInterrupt();
  }

  @Override
  public boolean interruptsEnabled(int cpu) {
    return hw[cpu].interruptsEnabled();
  }

  @Override
  public void takeInterrupt(int cpu) {
    Cpu hw = k.cpu(cpu);
    Actor me = k.current();
    k.exec().point("interrupt entry", hw.apic().resource(), 0, Access.WRITE);
    // The CPU accepts the interrupt at the instruction boundary it reaches now: if another CPU
    // turned its interrupts off meanwhile (a stopper), it takes nothing.
    if (!hw.interruptsEnabled()) {
      return;
    }
    int vector = hw.apic().acknowledge();
    k.exec().traceValue(vector);
    if (vector < 0) {
      return;
    }
    hw.setInterruptsEnabled(false);
    me.enterHardirq();
    k.rcu().irqEnter(); // interrupts off: an RCU read-side section until the handler returns
    int saved = currentVector[cpu];
    currentVector[cpu] = vector;
    try {
      Object target = vectors.vectorIrq(cpu, vector);
      if (!(target instanceof IrqDesc)) {
        // call_irq_handler (arch/x86/kernel/irq.c, 6.12.y since the "plug vector setup race"
        // backport): a miss is looked at again under vector_lock, so a request_irq that set the
        // vector up meanwhile gets its interrupt handled.
        vectors.vectorLock().lock();
        try {
          target = reevaluateVector(cpu, vector);
        } finally {
          vectors.vectorLock().unlock();
        }
      }
      if (target instanceof IrqDesc desc) {
        desc.handler().handle(desc);
      } else {
        apicEoi(cpu);
      }
    } finally {
      currentVector[cpu] = saved;
      k.rcu().irqExit();
      me.exitHardirq();
      hw.setInterruptsEnabled(true);
    }
  }

  /** reevaluate_vector: an unused vector is complained about, a shut-down one quietly made unused. */
  private Object reevaluateVector(int cpu, int vector) {
    Object target = vectors.vectorIrq(cpu, vector);
    if (target instanceof IrqDesc) {
      return target;
    }
    if (target == null) {
      noHandler[cpu]++;
      k.log().emerg("No irq handler for " + cpu + "." + vector);
      for (KernelObserver o : k.observers()) {
        o.noIrqHandler(cpu, vector);
      }
    } else {
      vectors.setVectorIrq(cpu, vector, null);
    }
    return null;
  }

  public int currentVector(int cpu) {
    return currentVector[cpu];
  }

  /** apic_eoi: the EOI register write. */
  public void apicEoi(int cpu) {
    k.exec().point("apic EOI", k.cpu(cpu).apic().resource(), 0, Access.WRITE);
    k.cpu(cpu).apic().eoi();
  }

  /** lapic_vector_set_in_irr: an APIC IRR register read. */
  public boolean apicIrrPending(int cpu, int vector) {
    k.exec().point("apic_read IRR", k.cpu(cpu).apic().resource(), 0, Access.READ);
    boolean pending = k.cpu(cpu).apic().irrPending(vector);
    k.exec().traceValue(pending ? 1 : 0);
    return pending;
  }

  /** apic_read(APIC_TMR + ...): whether {@code vector} arrived level-triggered on this CPU. */
  public boolean apicTmr(int cpu, int vector) {
    k.exec().point("apic_read TMR");
    return k.cpu(cpu).apic().levelTriggered(vector);
  }

  public long noHandlerCount(int cpu) {
    return noHandler[cpu];
  }
}
