package irqlab.sim;

import irqlab.exec.Access;
import irqlab.exec.Actor;
import irqlab.exec.Resource;
import irqlab.hw.MessageObserver;
import irqlab.kernel.KernelObserver;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.irq.IrqReturn;
import irqlab.sim.explore.ExploreRuntime;
import irqlab.sim.explore.StepObserver;
import irqlab.sim.trace.Trace;
import irqlab.sim.trace.TraceEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Records a schedule as a {@link Trace}: the runtime's steps and values, the bus's messages with
 * where they landed, and the kernel's handler runs and complaints, in the order they happen (all
 * on the one thread that runs the model at a time).
 */
final class TraceRecorder implements StepObserver, MessageObserver, KernelObserver {
  /** An event under construction: a value reported after the access is filled in later. */
  private static final class Ev {
    long step;
    long time;
    int actor;
    TraceEvent.Type type;
    String what;
    String resource;
    String target;
    String access;
    long unit = -1;
    Long value;
    TraceEvent.Message message;
    TraceEvent.Handler handler;
    String detail;
    long cause = -1;
  }

  private final ExploreRuntime rt;
  private final List<Ev> events = new ArrayList<>();
  private final Map<Integer, Ev> lastAccess = new HashMap<>();
  private Machine machine;
  private Map<Integer, String> irqNames = Map.of();
  private long step = -1;

  TraceRecorder(ExploreRuntime rt) {
    this.rt = rt;
    rt.setObserver(this);
  }

  /** Starts watching the machine's bus and kernel too. */
  void watch(Machine m) {
    this.machine = m;
    m.bus().addObserver(this);
    m.kernel().addObserver(this);
    m.oracle().setListener(this::found);
  }

  /** A violation the oracle found now; common_interrupt's complaint is drawn by noIrqHandler. */
  private void found(Violation v) {
    if (v.kind().equals(Violation.NO_HANDLER)) {
      return;
    }
    Ev e = violation(v.kind() + ": " + v.detail());
    Ev last = events.size() >= 2 ? events.get(events.size() - 2) : null;
    if (last != null && last.message != null && last.step == step) {
      e.cause = events.size() - 2; // found while its message was delivered
    }
  }

  private Ev add(Actor actor, TraceEvent.Type type, String what) {
    Ev e = new Ev();
    e.step = step;
    e.time = rt.now();
    e.actor = actor.id();
    e.type = type;
    e.what = what;
    events.add(e);
    return e;
  }

  // ---- the runtime ----

  @Override
  public void step(long step, Actor actor, String label, Resource resource, long offset, Access access, long timeNs) {
    this.step = step;
    if (label == null) {
      add(actor, TraceEvent.Type.START, "starts work");
      return;
    }
    Ev e = add(actor, TraceEvent.Type.ACCESS, label);
    if (resource != null) {
      e.resource = resource.name();
      String t = resource.describe(offset);
      e.target = t.isEmpty() ? null : t;
      e.access = access.name().toLowerCase(java.util.Locale.ROOT);
      e.unit = resource.unit(offset);
      lastAccess.put(actor.id(), e);
    }
  }

  @Override
  public void value(Actor actor, long value) {
    Ev e = lastAccess.get(actor.id());
    if (e != null && e.value == null) {
      e.value = value;
    }
  }

  @Override
  public void interruptEntry(Actor cpu) {
    add(cpu, TraceEvent.Type.IRQ_ENTRY, "irq entry");
  }

  @Override
  public void interruptExit(Actor cpu) {
    add(cpu, TraceEvent.Type.IRQ_EXIT, "irq exit");
  }

  // ---- the bus ----

  @Override
  public void delivered(int requesterId, long address, int data, int cpu, int vector, int origin, int source) {
    irqlab.sim.devices.Binding b = binding(origin);
    String intended = "";
    IrqDesc expected = null;
    if (b != null && b.driver() != null && source >= 0) {
      expected = b.irqOfEntry(source);
      intended = b.name(source) + (expected == null ? "" : " (irq " + expected.irq() + ")");
    }
    Object target = machine.kernel().vectorDomain().vectorIrq(cpu, vector);
    String landed = target instanceof IrqDesc d ? describe(d)
        : target == null ? "" : "marked VECTOR_RETRIGGERED";
    boolean misrouted = expected != null && target != null && target != expected;
    message(b, address, data, "delivered", cpu, vector, intended, expected == null ? -1 : expected.irq(), landed,
        target instanceof IrqDesc d ? d.irq() : -1, misrouted);
  }

  @Override
  public void dropped(int requesterId, long address, int data, String why) {
    message(binding(requesterId), address, data, "dropped: " + why, -1, -1, "", -1, "", -1, false);
  }

  @Override
  public void blocked(int requesterId, long address, int data, int faultReason, int index) {
    message(binding(requesterId), address, data,
        String.format("blocked by interrupt remapping (fault reason 0x%02x, index 0x%x)", faultReason, index), -1, -1, "",
        -1, "", -1, false);
  }

  private void message(irqlab.sim.devices.Binding b, long address, int data, String outcome, int cpu, int vector, String intended,
      int intendedIrq, String landed, int landedIrq, boolean misrouted) {
    Ev e = add(rt.current(), TraceEvent.Type.MESSAGE, "message");
    e.message = new TraceEvent.Message(b == null ? "" : b.id(), address, data, outcome, cpu, vector, intended,
        intendedIrq, landed, landedIrq, misrouted);
  }

  private irqlab.sim.devices.Binding binding(int rid) {
    if (machine == null) {
      return null;
    }
    for (irqlab.sim.devices.Binding b : machine.bindings()) {
      if (b.device().requesterId() == rid) {
        return b;
      }
    }
    return null;
  }

  private String describe(IrqDesc d) {
    String name = irqName(d.irq());
    return "irq " + d.irq() + (name.isEmpty() ? "" : " " + name)
        + (d.action() == null ? "" : " (" + d.action().name() + ")");
  }

  /** The scenario name of a line ("nic0/msix/1"), "" when it has none now. */
  private String irqName(int irq) {
    if (!irqNames.containsKey(irq)) {
      Map<Integer, String> names = new HashMap<>();
      machine.interruptNames().forEach((name, n) -> names.put(n, name));
      names.putIfAbsent(irq, "");
      irqNames = names;
    }
    return irqNames.getOrDefault(irq, "");
  }

  // ---- the kernel ----

  @Override
  public void handled(IrqDesc desc, int cpu, IrqReturn ret) {
    Ev e = add(rt.current(), TraceEvent.Type.HANDLER, "handler");
    e.handler = new TraceEvent.Handler(desc.irq(), irqName(desc.irq()),
        desc.action() == null ? "" : desc.action().name(), cpu, "IRQ_" + ret.name());
  }

  @Override
  public void noIrqHandler(int cpu, int vector) {
    Ev v = violation("no-handler: No irq handler for " + cpu + "." + vector);
    for (int i = events.size() - 2; i >= 0; i--) {
      Ev e = events.get(i);
      if (e.message != null && e.message.cpu() == cpu && e.message.vector() == vector) {
        v.cause = i;
        break;
      }
    }
  }

  private Ev violation(String text) {
    Ev e = add(rt.current(), TraceEvent.Type.VIOLATION, "violation");
    e.detail = text;
    return e;
  }

  /** The trace so far, with the oracle's violations and the verdict. */
  Trace finish(String scenario, String schedule, List<Violation> violations, List<String> kinds, String verdict) {
    List<Trace.ActorInfo> actors = new ArrayList<>();
    for (Actor a : rt.actors()) {
      actors.add(new Trace.ActorInfo(a.id(), a.name(), a.kind().name().toLowerCase(java.util.Locale.ROOT), a.cpu()));
    }
    List<TraceEvent> out = new ArrayList<>(events.size());
    for (Ev e : events) {
      out.add(new TraceEvent(out.size(), e.step, e.time, e.actor, e.type, e.what, e.resource, e.target, e.access,
          e.unit, e.value, e.message, e.handler, e.detail, e.cause));
    }
    List<String> vs = new ArrayList<>();
    for (Violation v : violations) {
      vs.add(v.toString());
    }
    return new Trace(scenario, schedule, List.copyOf(actors), out, vs, List.copyOf(kinds), verdict);
  }
}
