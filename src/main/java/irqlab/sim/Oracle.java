package irqlab.sim;

import irqlab.exec.Exec;
import irqlab.hw.MessageObserver;
import irqlab.hw.devices.QueueDevice;
import irqlab.hw.devices.WorkObserver;
import irqlab.kernel.Kernel;
import irqlab.kernel.KernelObserver;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.irq.IrqReturn;
import irqlab.sim.devices.Binding;
import irqlab.sim.devices.Verdicts;
import java.util.ArrayList;
import java.util.List;

/**
 * Judges a run: watches hardware messages, device work and the kernel's reports; after each
 * timeline action and at quiescence checks that every started line's effective affinity, vector
 * and device message agree; and at quiescence that no completed work was left without a handler
 * run or anything pending, and that the vector matrix agrees with the installed vectors.
 */
public final class Oracle implements KernelObserver, WorkObserver, MessageObserver, Verdicts {
  private final Exec exec;
  private final List<Violation> violations = new ArrayList<>();
  private long messagesDelivered;
  private long messagesDropped;
  private final StormWatch storms = new StormWatch();
  private final SpoofWatch spoofs = new SpoofWatch();
  private final java.util.Set<String> reportedMismatches = new java.util.HashSet<>();
  /** Completions a device could not signal at all (MSI-X and MSI off), per device, per queue. */
  private final java.util.Map<QueueDevice, long[]> notSignalled = new java.util.IdentityHashMap<>();

  public Oracle(Exec exec) {
    this.exec = exec;
  }

  private void add(String kind, String detail) {
    violations.add(new Violation(kind, exec.now(), detail));
  }

  public List<Violation> violations() {
    return List.copyOf(violations);
  }

  public long messagesDelivered() {
    return messagesDelivered;
  }

  public long messagesDropped() {
    return messagesDropped;
  }

  @Override
  public void noIrqHandler(int cpu, int vector) {
    add(Violation.NO_HANDLER, "vector " + vector + " arrived on CPU " + cpu + " with no irq handler installed");
  }

  @Override
  public void useAfterFree(String what, int irq) {
    add(Violation.USE_AFTER_FREE, what + " (irq " + irq + ")");
  }

  @Override
  public void lockInversion(String detail) {
    add(Violation.LOCK_INVERSION, detail);
  }

  @Override
  public void sleepingInAtomic(String what, String actor) {
    add(Violation.SLEEPING_IN_ATOMIC, what + " called from atomic context by " + actor);
  }

  @Override
  public void inconsistency(String kind, String what) {
    add(kind, what);
  }

  @Override
  public void handled(IrqDesc desc, int cpu, IrqReturn ret) {
    if (storms.handled(desc, ret)) {
      add(Violation.STORM, "irq " + desc.irq() + " ran its handler " + StormWatch.LIMIT
          + " times in a row with nobody claiming it (last on CPU " + cpu + ") and was not disabled");
    }
  }

  @Override
  public void notSignalled(QueueDevice device, int queue) {
    notSignalled.computeIfAbsent(device, d -> new long[d.queues()])[queue]++;
  }

  /**
   * Per queue of {@code device}, the completions it could not signal so far. Nothing remembers
   * them; the quiescence check reports the ones no later handler run consumed.
   */
  public long[] notSignalled(QueueDevice device) {
    long[] n = notSignalled.get(device);
    return n == null ? new long[device.queues()] : n.clone();
  }

  @Override
  public void spuriousDisabled(IrqDesc desc) {
    storms.contained(desc);
  }

  @Override
  public void delivered(int requesterId, long address, int data, int cpu, int vector) {
    messagesDelivered++;
    if (spoofs.active()) {
      String injected = spoofs.delivered(requesterId, address, data, cpu, vector);
      if (injected != null) {
        add(Violation.SPOOFED_MSI, injected);
      }
    }
  }

  /** The remapping unit blocked a message; a blocked spoof is a fault, not a violation. */
  @Override
  public void blocked(int requesterId, long address, int data, int faultReason, int index) {
    if (spoofs.active()) {
      spoofs.blocked(requesterId, address, data, faultReason, index);
    }
  }

  /** A device is about to write {@code data} to {@code address} on its own (spoof-msi). */
  public void spoofBegin(String device, String bdf, int requesterId, long address, int data, Kernel k) {
    spoofs.begin(new SpoofWatch.Spoof(device, bdf, requesterId, address, data,
        (cpu, vector) -> k.vectorDomain().vectorIrq(cpu, vector) instanceof IrqDesc d ? d : null));
  }

  /** The spoofed write has been handled; returns what became of it. */
  public String spoofEnd() {
    return spoofs.end();
  }

  /** Spoofed writes the remapping unit blocked (recorded as faults). */
  public List<String> blockedSpoofs() {
    return spoofs.blockedSpoofs();
  }

  @Override
  public void dropped(int requesterId, long address, int data, String why) {
    messagesDropped++;
    if (spoofs.active()) {
      spoofs.dropped(requesterId, address, data, why);
    }
  }

  /**
   * The checks at quiescence: each device's check of its unconsumed work (see
   * {@link Binding#checkQuiescent}), then the vector accounting.
   */
  public void checkQuiescent(Kernel k, List<Binding> bindings) {
    for (Binding b : bindings) {
      b.checkQuiescent(this);
    }
    checkVectorAccounting(k);
    checkAgreement(k);
  }

  /**
   * The agreement invariant (effective affinity, vector target and device message name the same
   * CPU and vector on every started line with no move in flight), checked after each timeline
   * action and at quiescence in both runtimes. A disagreement is reported once.
   */
  public void checkAgreement(Kernel k) {
    for (String problem : AffinityAgreement.check(k)) {
      if (reportedMismatches.add(problem)) {
        add(Violation.AFFINITY_MISMATCH, problem);
      }
    }
  }

  @Override
  public void lostInterrupt(String detail) {
    add(Violation.LOST_INTERRUPT, detail);
  }

  @Override
  public void misrouted(String detail) {
    add(Violation.MISROUTED, detail);
  }

  private void checkVectorAccounting(Kernel k) {
    for (String problem : VectorAccounting.check(k)) {
      add(Violation.VECTOR_ACCOUNTING, problem);
    }
  }
}
