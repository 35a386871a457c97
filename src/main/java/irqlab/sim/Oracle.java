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
  /** Set by {@link #watchRouting}: where messages should land. */
  private Kernel kernel;
  private java.util.function.Supplier<List<Binding>> bindings;
  private Binding[] byRequester = new Binding[0];
  /** Per line, the first of its messages that went astray and was not made good yet. */
  private final java.util.Map<IrqDesc, Violation> misrouted = new java.util.LinkedHashMap<>();
  private final java.util.Set<String> reportedMismatches = new java.util.HashSet<>();
  /** Completions a device could not signal at all (MSI-X and MSI off), per device, per queue. */
  private final java.util.Map<QueueDevice, long[]> notSignalled = new java.util.IdentityHashMap<>();
  /** Completions whose signal missed their line, judged at the queue's next completion. */
  private final MissedSignals missed = new MissedSignals();

  public Oracle(Exec exec) {
    this.exec = exec;
  }

  private java.util.function.Consumer<Violation> listener = v -> {};

  private void add(String kind, String detail) {
    Violation v = new Violation(kind, exec.now(), detail);
    violations.add(v);
    listener.accept(v);
  }

  /** Tells {@code l} of each violation as it is found (traces draw it where it happened). */
  void setListener(java.util.function.Consumer<Violation> l) {
    this.listener = l;
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
    if (!device.signalsByLevel()) {
      missed.astray(device, "the device could not signal it: MSI-X and MSI off");
    }
  }

  @Override
  public void signalling(QueueDevice device, int queue) {
    missed.signalling(device, queue, exec.now(), this);
  }

  @Override
  public void signalled(QueueDevice device, int queue) {
    missed.signalled(device, queue, exec.now());
  }

  @Override
  public void drained(QueueDevice device, int queue, int count) {
    missed.drained(device, queue);
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

  /**
   * Checks from now on that a device's message reaches the interrupt it signalled: the MSI-X entry
   * or MSI vector the device sent must be the irq bound to the vector it arrived on. A message
   * that lands elsewhere (torn between two writes of an update, or sent to a vector the kernel
   * reused) is lost for its interrupt unless the kernel raises that interrupt again (x86's
   * msi_set_affinity detour accepts a spurious interrupt on another line and retriggers the right
   * one); one that is never made good is reported as misrouted at quiescence.
   */
  void watchRouting(Kernel k, java.util.function.Supplier<List<Binding>> all) {
    this.kernel = k;
    this.bindings = all;
  }

  @Override
  public void delivered(int requesterId, long address, int data, int cpu, int vector, int origin, int source) {
    delivered(requesterId, address, data, cpu, vector);
    if (source < 0 || kernel == null || spoofs.active()) {
      return;
    }
    Object target = kernel.vectorDomain().vectorIrq(cpu, vector);
    Binding b = bindingOf(origin);
    if (target == null) {
      if (b != null) {
        missed.astray(b.device(), "its message reached vector " + vector + " on CPU " + cpu + ", where no handler is installed");
      }
      return; // common_interrupt reports it: no-handler
    }
    IrqDesc expected = b == null ? null : b.irqOfEntry(source);
    if (expected == null || expected == target) {
      return;
    }
    String where = target instanceof IrqDesc owner
        ? "bound to irq " + owner.irq() + (owner.action() == null ? "" : " (" + owner.action().name() + ")")
        : "marked for a retrigger";
    missed.astray(b.device(), "its message reached vector " + vector + " on CPU " + cpu + ", " + where);
    misrouted.putIfAbsent(expected, new Violation(Violation.MISROUTED, exec.now(), b.id() + " signalled "
        + b.name(source) + " (irq " + expected.irq() + ") with " + String.format("address 0x%x data 0x%x", address, data)
        + ", which reached vector " + vector + " on CPU " + cpu + ", " + where + ", and irq " + expected.irq()
        + " was not raised again"));
  }

  /** A retrigger or resend of a line makes good every message of it that went astray before. */
  @Override
  public void vectorRaised(int cpu, int vector) {
    if (!misrouted.isEmpty() && kernel.vectorDomain().vectorIrq(cpu, vector) instanceof IrqDesc d) {
      misrouted.remove(d);
    }
  }

  /** A message of requester {@code rid} reached no CPU: if a completion of its device sent it, that work is stranded. */
  private void strandedBy(int rid, String why) {
    if (bindings != null && !spoofs.active()) {
      Binding b = bindingOf(rid);
      if (b != null) {
        missed.astray(b.device(), why);
      }
    }
  }

  /** The binding of {@code device}'s function, or null before the machine is bound. */
  Binding bindingOfDevice(QueueDevice device) {
    return bindings == null ? null : bindingOf(device.requesterId());
  }

  private Binding bindingOf(int rid) {
    if (rid < byRequester.length && byRequester[rid] != null) {
      return byRequester[rid];
    }
    for (Binding b : bindings.get()) {
      if (b.device().requesterId() == rid && b.driver() != null) {
        if (rid >= byRequester.length) {
          byRequester = java.util.Arrays.copyOf(byRequester, rid + 1);
        }
        byRequester[rid] = b;
        return b;
      }
    }
    return null;
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
    strandedBy(requesterId, "the remapping unit blocked its message (fault reason 0x" + Integer.toHexString(faultReason) + ")");
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
    strandedBy(requesterId, "its message was dropped: " + why);
    if (spoofs.active()) {
      spoofs.dropped(requesterId, address, data, why);
    }
  }

  /**
   * The checks at quiescence: each device's check of its unconsumed work (see
   * {@link Binding#checkQuiescent}), then the vector accounting.
   */
  public void checkQuiescent(Kernel k, List<Binding> bindings) {
    violations.addAll(misrouted.values());
    misrouted.clear();
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
