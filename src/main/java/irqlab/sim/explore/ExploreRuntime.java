package irqlab.sim.explore;

import irqlab.exec.Access;
import irqlab.exec.Actor;
import irqlab.exec.CpuPort;
import irqlab.exec.Event;
import irqlab.exec.EventQueue;
import irqlab.exec.Exec;
import irqlab.exec.ExecException;
import irqlab.exec.MightSleep;
import irqlab.exec.Resource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;

/**
 * The race-finding runtime. Only one actor executes model code at a time; at every scheduling
 * point the {@link Strategy} picks who takes the next step among the enabled actors. An actor
 * mid-work keeps its stack on a thread of a {@link Carriers} pool; an idle actor has none, so
 * when one actor's work ends and an idle one is picked, the same thread runs it: a schedule pays
 * for a thread hand-off only when a strategy preempts work in progress.
 *
 * <p>Semantics match {@link irqlab.sim.run.RunRuntime} except that points may switch actors:
 *
 * <ul>
 *   <li>The clock (actor 0) is a choice whenever an event is due and either it is due now or it
 *       is due no more than {@link #MAX_LAG_NS} after the oldest work that could go on but waits
 *       for its turn (an actor preempted mid-work, an event in a mailbox, an interrupt a CPU has
 *       not taken yet): choosing it pops the next event, advances time and puts the event in its
 *       actor's mailbox. So any actor may be slow, by up to that lag, and a device's next
 *       completion can land between two writes of a preempted CPU. A timer (a clock-owned event:
 *       a timeout, the end of a sleep) is released only when no idle actor has due work it has not
 *       started, so a wait never times out on work that merely has not begun. Events of {@code
 *       CLOCK}-kind actors run inline and atomically, as in run mode.
 *   <li>An idle actor with mail runs its next event (a CPU's own timer work only while the CPU has
 *       interrupts on). An idle CPU actor whose {@link CpuPort} says it can take an interrupt takes
 *       one per turn; a CPU actor suspended in its own code takes
 *       it when resumed, nested on that code, and then yields again.
 *   <li>A {@code TASK} bound to a CPU cannot run while that CPU's actor is inside {@code
 *       takeInterrupt} (hard irqs run with IF off and do not nest), nor while another actor
 *       bound to the same CPU is mid-work with {@link Actor#atomicDepth()} > 0 (a raw spinlock or
 *       irq-off section is not preempted on its own CPU).
 *   <li>{@link #waitUntil} is always a point and returns only when its condition holds at the
 *       moment the actor resumes. A timed wait (and {@link #sleep}) also queues a clock-owned timer
 *       event at its deadline; once the clock has released it the waiter is enabled and returns
 *       false unless its condition holds then. Timers are ordinary events, so replay is exact.
 * </ul>
 *
 * <p>Code run from the thread that calls {@link #runUntil} (scenario setup) is outside any actor:
 * its points cost nothing and its waits behave as in run mode. Failures of the model (an actor
 * throwing, a deadlock, the step bound) stop the schedule and are thrown from {@code runUntil};
 * the runtime is then dead except for {@link #close()}, which unwinds all work in progress.
 */
public final class ExploreRuntime implements Exec, AutoCloseable {
  public static final long DEFAULT_MAX_STEPS = 1_000_000;
  /**
   * How far virtual time may run ahead of work that waits for its turn: 100 us, an inter-arrival
   * gap of traffic at 10k/s, so a device's next completion can land in a window between two writes
   * of a preempted CPU, yet a scenario keeps its shape (interrupts a CPU has not taken yet hold
   * time back, so delivery does not drift far from run mode's) and timeouts of a millisecond or
   * more never fire on work that merely waits. Measured (README, "Explore mode"): 10 us finds the
   * races of the user-style set far less often (1 in 100 schedules of race-msi-offline), 500 us lets
   * CPUs fall behind far enough to merge dozens of interrupts and to miss a storm's 100,000th.
   */
  public static final long MAX_LAG_NS = 100_000;
  /** Prefix of carrier thread names, so leaks are easy to spot in a thread dump. */
  public static final String THREAD_PREFIX = Carriers.THREAD_PREFIX;

  private enum State {
    IDLE,
    RUNNING,
    SUSPENDED,
    WAITING
  }

  private static final class Worker {
    final Actor actor;
    final int id;
    /** The actor's kind and CPU, copied: enabledness asks for them at nearly every step. */
    final boolean isCpu;
    final boolean isTask;
    final boolean isDevice;
    final int cpu;
    final ArrayDeque<Event> mailbox = new ArrayDeque<>();
    State state = State.IDLE;
    String label;
    Resource resource;
    long unit;
    boolean unitKnown;
    long offset;
    Access access;
    BooleanSupplier ready;
    boolean inIrq;
    /** The thread holding this actor's work in progress; null while idle. */
    Carriers.Carrier carrier;
    long steps;
    /** Set when the actor arrives at a point or a wait: the next decision is its first about it. */
    boolean fresh;
    /**
     * When the work in progress was due: its event's time, the raise of the interrupt it takes,
     * or the moment a wait of it ended. A device's work holds time back from it.
     */
    long dueAt;
    /** Virtual time of the actor's latest step. A CPU's or task's work holds time back from it. */
    long steppedAt;

    Worker(Actor actor) {
      this.actor = actor;
      this.id = actor.id();
      this.isCpu = actor.kind() == Actor.Kind.CPU;
      this.isTask = actor.kind() == Actor.Kind.TASK;
      this.isDevice = actor.kind() == Actor.Kind.DEVICE;
      this.cpu = actor.cpu();
    }

    boolean midWork() {
      return state == State.SUSPENDED || state == State.WAITING;
    }
  }

  /** Unwinds an actor's work when the runtime closes; an Error so model catch blocks miss it. */
  private static final class Abort extends Error {
    private static final long serialVersionUID = 1L;

    Abort() {
      super("explore runtime closed", null, false, false);
    }
  }

  private static final Abort ABORT = new Abort();

  private final EventQueue queue = new EventQueue();
  private final long seed;
  private final SplittableRandom random;
  private final Strategy strategy;
  private final long maxSteps;
  private final Carriers carriers;
  private final boolean ownsCarriers;
  private final List<Worker> workers = new ArrayList<>();
  private Worker[] byId = new Worker[8];
  private final Carriers.Carrier driver = Carriers.forCurrentThread();
  private final Actor clock;
  private final View view = new View();
  private Worker[] cpuWorkers = new Worker[0];
  /**
   * Per actor id: idle, not a CPU, and no mail, so it cannot run before the clock gives it some.
   * Kept up to date where those change, so that most enabledness checks read one array slot.
   */
  private boolean[] quiet = new boolean[8];
  /** Per actor id: the decision its enabledness was computed for, and the result. */
  private long[] enabledEpoch = new long[8];
  private boolean[] enabledValue = new boolean[8];
  /** Per CPU, when an interrupt it has not taken yet was raised; NONE when it has none. */
  private long[] raisedAt = new long[0];
  private static final long NONE = Long.MIN_VALUE;
  /** Per CPU, the workers bound to it: who may hold it in an atomic section. */
  private Worker[][] onCpu = new Worker[0][];
  private long horizonEpoch = -1;
  private long horizon;
  private int horizonHolder = -1;
  private CpuPort cpus;
  private MightSleep mightSleep;
  private irqlab.exec.LockWatch lockWatch;
  private StepObserver observer;
  private final List<Resource> resources = new ArrayList<>();

  private volatile boolean shutdown;
  private volatile boolean stopRequested;
  /** The worker executing model code; null for the driver and for inline clock events. */
  private Worker running;
  private Actor current;
  private int previous;
  private long now;
  private long limit;
  private long steps;
  private long epoch;
  private long eventsRun;
  private long switches;
  private int[] log;
  private RuntimeException failure;
  private boolean closed;

  public ExploreRuntime(long seed, Strategy strategy) {
    this(seed, strategy, DEFAULT_MAX_STEPS);
  }

  public ExploreRuntime(long seed, Strategy strategy, long maxSteps) {
    this(seed, strategy, maxSteps, null);
  }

  /**
   * A runtime for one schedule. {@code carriers} is the thread pool to run actors on, shared by
   * the schedules of one job; null: a private pool, closed with the runtime.
   */
  public ExploreRuntime(long seed, Strategy strategy, long maxSteps, Carriers carriers) {
    if (maxSteps < 1) {
      throw new IllegalArgumentException("maxSteps must be positive");
    }
    this.seed = seed;
    this.random = new SplittableRandom(seed);
    this.strategy = strategy;
    this.maxSteps = maxSteps;
    this.ownsCarriers = carriers == null;
    this.carriers = carriers == null ? new Carriers() : carriers;
    this.clock = newActor("clock", Actor.Kind.CLOCK, -1);
    this.current = clock;
  }

  /**
   * The runtime of schedule {@code id}: its seed for the model, its strategy for the choices, its
   * decisions recorded.
   */
  public static ExploreRuntime forSchedule(ScheduleId id) {
    return new ExploreRuntime(id.seed(), Strategies.forId(id)).recordDecisions();
  }

  /** Keeps the actor chosen at every step, for {@link #decisionIds()} and {@link #decisionLog()}. */
  public ExploreRuntime recordDecisions() {
    if (log == null) {
      log = new int[256];
    }
    return this;
  }

  /** Tells {@code o} of every step, value and clock release (traces, equivalence hashes). */
  public void setObserver(StepObserver o) {
    this.observer = o;
  }

  // ---- Exec ----

  @Override
  public long now() {
    return now;
  }

  @Override
  public void point(String label) {
    pointAt(label, null, 0, null);
  }

  @Override
  public void point(String label, Resource resource, long offset, Access access) {
    pointAt(label, resource, offset, access);
  }

  private void pointAt(String label, Resource resource, long offset, Access access) {
    Worker w = running;
    if (w != null) {
      block(w, label, resource, offset, access, null, null, null);
    } // outside any actor nothing else may run, as in run mode
  }

  /**
   * Actor {@code w} gives up the baton: at a point ({@code waitFor} null) until the strategy
   * chooses it again, or in a wait until it is chosen with {@code waitFor} true and then returns
   * whether {@code cond} holds (true) or, {@code late} set, the wait timed out (false). While
   * another actor is chosen, the baton goes to that actor's thread and comes back when w is
   * chosen; a CPU then takes an interrupt it can take, nested on its own code, and gives the baton
   * up again.
   *
   * <p>One method for all of it, deliberately larger (336 bytes of bytecode) than C2 inlines into
   * a hot caller (FreqInlineSize, 325): every point and wait of the model calls it, and when its
   * parts (the hand-off, the interrupt entry with the handlers behind it) were inlined into each
   * of them, C2 spent seconds of CPU copying them into every model method with a point, a large
   * part of an exploration's first seconds. Keep it one method.
   */
  private boolean block(Worker w, String label, Resource resource, long offset, Access access,
      BooleanSupplier waitFor, BooleanSupplier cond, boolean[] late) {
    if (w.carrier == null || w.carrier.thread != Thread.currentThread()) {
      throw new IllegalStateException(
          "scheduling point from " + Thread.currentThread().getName() + " while " + w.actor + " runs");
    }
    if (shutdown) {
      throw ABORT;
    }
    if (waitFor == null) {
      w.label = label;
      w.resource = resource;
      w.offset = offset;
      w.access = access;
      if (resource != null) {
        if (resource.key(this) < 0) {
          resource.assignKey(this, resources.size());
          resources.add(resource);
        }
        w.unitKnown = false; // computed when a strategy asks (most steps never need it)
      }
      w.fresh = true;
    }
    while (true) {
      if (waitFor == null) {
        w.state = State.SUSPENDED;
      } else {
        w.label = label;
        w.resource = null;
        w.access = null;
        w.ready = waitFor;
        w.state = State.WAITING;
        w.fresh = true;
      }
      Worker next = decide(w);
      if (next != w) {
        Carriers.Carrier to = next == null ? driver : carrierFor(next);
        running = next;
        current = next == null ? clock : next.actor;
        switches++;
        Carriers.transfer(w.carrier, to);
        // The baton is back: model state is as the last holder left it.
        if (shutdown) {
          throw ABORT;
        }
      }
      w.state = State.RUNNING;
      if (waitFor != null) {
        w.ready = null;
        w.dueAt = now; // the wait is over: what follows is due now
      }
      if (tookInterrupt(w)) {
        continue; // taken at the instruction boundary it resumed at; it gives the baton up again
      }
      if (waitFor == null || cond.getAsBoolean()) {
        return true;
      }
      if (late != null && late[0]) {
        return false;
      }
    }
  }

  @Override
  public void traceValue(long value) {
    StepObserver o = observer;
    if (o != null && running != null) {
      o.value(running.actor, value);
    }
  }

  @Override
  public Actor current() {
    return current;
  }

  @Override
  public void schedule(Event event, long atNs) {
    if (atNs < now) {
      throw new ExecException("event scheduled in the past: " + atNs + " < " + now);
    }
    Worker w = workerOf(event.actor());
    // Like EventQueue.add, rescheduling moves an event, including one released but not yet run.
    if (!w.mailbox.isEmpty() && w.mailbox.remove(event)) {
      updateQuiet(w);
    }
    queue.add(event, atNs);
  }

  @Override
  public boolean cancel(Event event) {
    if (queue.remove(event)) {
      return true;
    }
    Worker w = workerOf(event.actor());
    if (!w.mailbox.isEmpty() && w.mailbox.remove(event)) {
      updateQuiet(w);
      return true;
    }
    return false;
  }

  @Override
  public void waitUntil(String why, BooleanSupplier ready) {
    Worker w = running;
    if (w == null) {
      if (!ready.getAsBoolean()) {
        throw new ExecException(current + " blocks forever on '" + why + "' outside any actor");
      }
      return;
    }
    block(w, why, null, 0, null, ready, ready, null);
  }

  @Override
  public boolean waitUntil(String why, BooleanSupplier ready, long timeoutNs) {
    if (timeoutNs < 0) {
      throw new IllegalArgumentException("negative timeout: " + timeoutNs);
    }
    Worker w = running;
    if (w == null) {
      if (ready.getAsBoolean() || timeoutNs == 0) {
        return ready.getAsBoolean();
      }
      throw new ExecException(current + " blocks on '" + why + "' outside any actor");
    }
    enter(w);
    long deadline = now + timeoutNs;
    if (timeoutNs == Long.MAX_VALUE || deadline < now) {
      waitUntil(why, ready);
      return true;
    }
    // One clock-owned timer per wait: a CPU's wait may nest another in an interrupt it takes.
    boolean[] late = new boolean[1];
    Event timer = Event.of(clock, () -> late[0] = true);
    queue.add(timer, deadline);
    BooleanSupplier readyOrLate = () -> late[0] || ready.getAsBoolean();
    try {
      return block(w, why, null, 0, null, readyOrLate, ready, late);
    } finally {
      queue.remove(timer);
    }
  }

  @Override
  public void sleep(long ns) {
    if (ns < 0) {
      throw new IllegalArgumentException("negative sleep: " + ns);
    }
    mightSleep("msleep");
    if (running == null) {
      throw new ExecException(current + " sleeps outside any actor");
    }
    waitUntil("msleep", () -> false, ns);
  }

  @Override
  public void setLockWatch(irqlab.exec.LockWatch watch) {
    this.lockWatch = watch;
  }

  @Override
  public irqlab.exec.LockWatch lockWatch() {
    return lockWatch;
  }

  @Override
  public void setMightSleep(MightSleep check) {
    this.mightSleep = check;
  }

  @Override
  public void mightSleep(String what) {
    MightSleep m = mightSleep;
    if (m != null) {
      m.check(what);
    }
  }

  @Override
  public void interruptRaised(int cpu) {
    // Enabledness is recomputed at every decision, so the CPU's actor becomes a choice by itself;
    // the time bounds how long it may leave the interrupt untaken.
    if (cpu < raisedAt.length && raisedAt[cpu] == NONE) {
      raisedAt[cpu] = now;
    }
  }

  @Override
  public void attachCpus(CpuPort port) {
    this.cpus = port;
  }

  @Override
  public Actor newActor(String name, Actor.Kind kind, int cpu) {
    Actor a = new Actor(workers.size(), name, kind, cpu);
    Worker w = new Worker(a);
    workers.add(w);
    if (w.id >= byId.length) {
      byId = Arrays.copyOf(byId, byId.length * 2);
      quiet = Arrays.copyOf(quiet, byId.length);
      int old = enabledEpoch.length;
      enabledEpoch = Arrays.copyOf(enabledEpoch, byId.length);
      Arrays.fill(enabledEpoch, old, enabledEpoch.length, -1);
      enabledValue = Arrays.copyOf(enabledValue, byId.length);
    }
    byId[w.id] = w;
    enabledEpoch[w.id] = -1;
    updateQuiet(w);
    if (cpu >= 0) {
      if (cpu >= onCpu.length) {
        int old = onCpu.length;
        onCpu = Arrays.copyOf(onCpu, cpu + 1);
        Arrays.fill(onCpu, old, cpu + 1, new Worker[0]);
      }
      onCpu[cpu] = Arrays.copyOf(onCpu[cpu], onCpu[cpu].length + 1);
      onCpu[cpu][onCpu[cpu].length - 1] = w;
    }
    if (kind == Actor.Kind.CPU) {
      if (cpu < 0) {
        throw new IllegalArgumentException("CPU actor " + name + " needs a cpu number");
      }
      if (cpu >= cpuWorkers.length) {
        cpuWorkers = Arrays.copyOf(cpuWorkers, cpu + 1);
        int old = raisedAt.length;
        raisedAt = Arrays.copyOf(raisedAt, cpu + 1);
        Arrays.fill(raisedAt, old, cpu + 1, NONE);
      }
      cpuWorkers[cpu] = w;
    }
    return a;
  }

  @Override
  public RandomGenerator random() {
    return random;
  }

  @Override
  public boolean exploring() {
    return true;
  }

  // ---- running a schedule ----

  /**
   * Runs until nothing due at or before {@code untilNs} can run; time then stands at {@code
   * untilNs}. Throws the schedule's failure: {@link ActorFailureException} when model code threw,
   * {@link ExecException} on deadlock, step bound or interruption.
   */
  public void runUntil(long untilNs) {
    if (closed) {
      throw new IllegalStateException("explore runtime is closed");
    }
    if (running != null || isActorThread()) {
      throw new IllegalStateException("runUntil must be called from outside the model");
    }
    if (failure != null) {
      throw failure;
    }
    driver.thread = Thread.currentThread();
    limit = untilNs;
    Worker next = decide(null);
    if (next != null) {
      switchFromDriver(next);
    }
    running = null;
    current = clock;
    if (stopRequested) {
      Thread.currentThread().interrupt();
    }
    if (failure != null) {
      throw failure;
    }
    if (untilNs > now && untilNs != Long.MAX_VALUE) {
      now = untilNs;
    }
  }

  /** Runs until no actor can run and no event is left. */
  public void runToQuiescence() {
    runUntil(Long.MAX_VALUE);
  }

  /** Unwinds all work in progress and gives the threads back to the pool. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    if (isActorThread()) {
      throw new IllegalStateException("close must be called from outside the model");
    }
    driver.thread = Thread.currentThread();
    closed = true;
    shutdown = true;
    List<String> stuck = new ArrayList<>();
    for (Worker w : workers) {
      if (w.carrier == null) {
        continue;
      }
      // One activation unwinds at a time, so finally blocks in model code still run alone.
      running = w;
      current = w.actor;
      if (!transferFromDriver(w.carrier, 10_000_000_000L)) {
        stuck.add(w.actor.name());
      }
    }
    running = null;
    current = clock;
    if (ownsCarriers) {
      carriers.close();
    }
    if (!stuck.isEmpty()) {
      throw new IllegalStateException("actor work did not unwind: " + stuck);
    }
  }

  // ---- observation ----

  public long seed() {
    return seed;
  }

  public Strategy strategy() {
    return strategy;
  }

  /** Decisions taken so far, clock steps included. */
  public long steps() {
    return steps;
  }

  public long eventsRun() {
    return eventsRun;
  }

  /** Thread hand-offs so far: preempted work resumed, or work started on another thread. */
  public long switches() {
    return switches;
  }

  public boolean idle() {
    return queue.isEmpty();
  }

  public List<Actor> actors() {
    List<Actor> all = new ArrayList<>(workers.size());
    for (Worker w : workers) {
      all.add(w.actor);
    }
    return List.copyOf(all);
  }

  public Actor clock() {
    return clock;
  }

  public Actor cpuActor(int cpu) {
    return cpuWorkers[cpu].actor;
  }

  /** The resources numbered so far, by number. */
  public List<Resource> resources() {
    return List.copyOf(resources);
  }

  /** The id of the actor chosen at each step ({@link #recordDecisions()} must be on). */
  public int[] decisionIds() {
    requireLog();
    return Arrays.copyOf(log, (int) steps);
  }

  /** The name of the actor chosen at each step. */
  public List<String> decisions() {
    requireLog();
    List<String> names = new ArrayList<>((int) steps);
    for (int i = 0; i < steps; i++) {
      names.add(workers.get(log[i]).actor.name());
    }
    return names;
  }

  /** The decisions as actor ids, runs compressed: {@code 0 2*3 1} is clock, 2, 2, 2, 1. */
  public String decisionLog() {
    if (log == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < steps; ) {
      int id = log[i];
      int j = i;
      while (j < steps && log[j] == id) {
        j++;
      }
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(id);
      if (j - i > 1) {
        sb.append('*').append(j - i);
      }
      i = j;
    }
    return sb.toString();
  }

  private void requireLog() {
    if (log == null) {
      throw new IllegalStateException("decisions are recorded only after recordDecisions()");
    }
  }

  // ---- threads ----

  /** The thread to run {@code w} on: its own when mid-work, else a pooled one given its work. */
  private Carriers.Carrier carrierFor(Worker w) {
    if (w.carrier != null) {
      return w.carrier;
    }
    Carriers.Carrier c = carriers.acquire();
    c.rt = this;
    c.work = w;
    w.carrier = c;
    return c;
  }

  private void switchFromDriver(Worker next) {
    running = next;
    current = next.actor;
    transferFromDriver(carrierFor(next), Long.MAX_VALUE);
  }

  /**
   * The driver passes the baton and waits for it; an interrupt asks the holder to stop at its
   * next decision. Returns false when {@code timeoutNs} passed first (a close that cannot unwind).
   */
  private boolean transferFromDriver(Carriers.Carrier to, long timeoutNs) {
    driver.go = false;
    to.go = true;
    LockSupport.unpark(to.thread);
    long deadline = System.nanoTime() + Math.min(timeoutNs, Long.MAX_VALUE / 2);
    while (!driver.go) {
      if (timeoutNs == Long.MAX_VALUE) {
        LockSupport.park(this);
      } else {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        LockSupport.parkNanos(this, left);
      }
      if (Thread.interrupted()) {
        stopRequested = true;
      }
    }
    return true;
  }

  /**
   * Runs on carrier {@code c}: its assigned work, then, while the strategy keeps picking idle
   * actors, their work on the same thread. Returns the carrier to pass the baton to.
   */
  Carriers.Carrier runChain(Carriers.Carrier c) {
    Worker w = (Worker) c.work;
    while (true) {
      runWork(w);
      w.carrier = null;
      w.state = State.IDLE;
      w.label = null;
      w.resource = null;
      updateQuiet(w);
      if (shutdown) {
        running = null;
        current = clock;
        return driver;
      }
      Worker next = failure != null ? null : decide(null);
      if (next == null) {
        running = null;
        current = clock;
        return driver;
      }
      running = next;
      current = next.actor;
      if (next.carrier != null) {
        switches++;
        return next.carrier;
      }
      next.carrier = c;
      w = next;
    }
  }

  private void runWork(Worker w) {
    w.state = State.RUNNING;
    quiet[w.id] = false;
    if (w.isCpu) {
      // If it takes an interrupt, that is the work, due since it was raised.
      w.dueAt = raisedAt[w.cpu] != NONE ? raisedAt[w.cpu] : now;
    }
    try {
      // A CPU takes a deliverable interrupt before it starts new work.
      if (!tookInterrupt(w)) {
        Event e = w.mailbox.poll();
        if (e == null) {
          throw new IllegalStateException("chosen with nothing to do");
        }
        eventsRun++;
        w.dueAt = e.time();
        e.run();
      }
    } catch (Abort a) {
      // closed: the work is unwound
    } catch (Throwable t) {
      if (!shutdown) {
        fail(w.actor, t);
      }
    }
  }

  private boolean tookInterrupt(Worker w) {
    if (!w.isCpu || w.inIrq || cpus == null) {
      return false;
    }
    int cpu = w.cpu;
    if (!cpus.canTakeInterrupt(cpu)) {
      return false;
    }
    w.inIrq = true;
    raisedAt[cpu] = NONE; // an interrupt raised from now on is a new one to bound
    StepObserver o = observer;
    if (o != null) {
      o.interruptEntry(w.actor);
    }
    try {
      cpus.takeInterrupt(cpu);
    } finally {
      w.inIrq = false;
      if (o != null && !shutdown) {
        o.interruptExit(w.actor);
      }
    }
    return true;
  }

  // ---- decisions ----

  /**
   * Takes steps until an actor is chosen: {@code at} itself when it should go on, another worker,
   * or null when the run must stop (nothing can run, a failure, the step bound).
   */
  private Worker decide(Worker at) {
    while (true) {
      if (failure != null) {
        return null;
      }
      if (stopRequested) {
        failure = new ExecException("schedule interrupted at step " + steps);
        return null;
      }
      epoch++;
      view.at = at == null ? -1 : at.id;
      view.arrived = at != null && at.fresh;
      if (at != null) {
        at.fresh = false;
      }
      int id;
      try {
        id = strategy.pick(view);
      } catch (Abort a) {
        throw a;
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = new ExecException("strategy " + strategy.name() + " failed: " + e);
          failure.initCause(e);
        }
        return null;
      }
      if (failure != null) {
        return null; // a condition or canTakeInterrupt threw while the strategy looked
      }
      if (id < 0) {
        if (queue.isEmpty()) {
          checkDeadlock();
        }
        return null;
      }
      if (id >= workers.size() || !view.enabled(id)) {
        failure = new ExecException("strategy " + strategy.name() + " picked actor " + id + ", which cannot run");
        return null;
      }
      if (steps >= maxSteps) {
        failure =
            new StepBoundException(
                "step bound exceeded: "
                    + maxSteps
                    + " steps at t="
                    + now
                    + (at == null ? "" : ", " + at.actor + " at '" + at.label + "'"));
        return null;
      }
      Worker w = byId[id];
      if (log != null) {
        if (steps == log.length) {
          log = Arrays.copyOf(log, log.length * 2);
        }
        log[(int) steps] = id;
      }
      steps++;
      w.steps++;
      w.steppedAt = now;
      previous = id;
      StepObserver o = observer;
      if (o != null && id != 0) {
        o.step(steps - 1, w.actor, w.state == State.IDLE ? null : w.label, w.resource, w.offset, w.access, now);
      }
      if (id == 0) {
        tick();
        continue;
      }
      return w;
    }
  }

  /** The clock's step: release the next event to its actor. */
  private void tick() {
    Event e = queue.poll();
    if (e.time() > now) {
      now = e.time();
    }
    Actor owner = e.actor();
    StepObserver o = observer;
    if (owner.kind() != Actor.Kind.CLOCK) {
      Worker w = workerOf(owner);
      w.mailbox.add(e);
      quiet[w.id] = false;
      if (o != null) {
        o.released(steps - 1, owner, now);
      }
      return;
    }
    // Clock-owned events have no thread to run on; run them atomically, as run mode does.
    Worker savedRunning = running;
    Actor savedCurrent = current;
    running = null;
    current = owner;
    try {
      eventsRun++;
      e.run();
    } catch (Abort a) {
      throw a;
    } catch (Throwable t) {
      fail(owner, t);
    } finally {
      running = savedRunning;
      current = savedCurrent;
    }
  }

  /**
   * Whether worker {@code id} (not the clock) can take the next step, computed at most once per
   * decision. The clock's own test is apart ({@link #clockEnabledNow}) and calls this one, never
   * the other way round: no recursion, so the JIT compiles small units quickly (one deep unit of
   * enabledness tests, inlined into itself, took seconds of C2 time per compilation).
   */
  private boolean workerEnabled(int id) {
    if (quiet[id]) {
      return false;
    }
    if (enabledEpoch[id] == epoch) {
      return enabledValue[id];
    }
    boolean v = failure == null && isEnabled(byId[id]);
    enabledValue[id] = v;
    enabledEpoch[id] = epoch;
    return v;
  }

  private boolean clockEnabledNow() {
    if (enabledEpoch[0] == epoch) {
      return enabledValue[0];
    }
    boolean v = failure == null && clockEnabled();
    enabledValue[0] = v;
    enabledEpoch[0] = epoch;
    return v;
  }

  /** A worker's enabledness ({@code w} is not the clock). */
  private boolean isEnabled(Worker w) {
    // The same tests in the same order as the rules in the class comment; the common cases first.
    State st = w.state;
    if (st == State.SUSPENDED) {
      return !w.isTask || !excluded(w);
    }
    if (st == State.IDLE) {
      if (w.isCpu) {
        return canTake(w) || (!w.mailbox.isEmpty() && cpuWorkAllowed(w));
      }
      return !w.mailbox.isEmpty() && (!w.isTask || !excluded(w));
    }
    if (st == State.WAITING) {
      return canTake(w) || ((!w.isTask || !excluded(w)) && ready(w));
    }
    return false; // the decider itself never reaches here in RUNNING
  }

  private boolean clockEnabled() {
    Event next = queue.peek();
    if (next == null || next.time() > limit) {
      return false;
    }
    // A timer (a timeout, a sleep's end) never overtakes work due before it that has not
    // started: a wait must not time out on a device that merely has not got to its work yet.
    if (next.actor().kind() == Actor.Kind.CLOCK && idleWorkDueBefore(next.time())) {
      return false;
    }
    return next.time() <= now || next.time() <= horizon();
  }

  /**
   * How far time may advance: {@link #MAX_LAG_NS} past the oldest work that could go on now but
   * waits for its turn. A device's work in progress counts from when it was due (hardware is
   * prompt: a command due in 250 ns is done well within a driver's 1 ms timeout); a CPU's or a
   * task's from its latest step (kernel code may be preempted, and stretched, step after step:
   * that is how a window between two writes grows long enough for a device's next completion).
   * A task kept from its work only by an interrupt on its CPU holds time back too (that CPU must
   * finish first). Blocked and sleeping actors do not hold time back, so timeouts fall due.
   */
  private long horizon() {
    if (horizonEpoch == epoch) {
      return horizon;
    }
    long oldest = Long.MAX_VALUE;
    int who = -1;
    for (int i = 1; i < workers.size(); i++) {
      Worker w = byId[i];
      long since;
      if (w.midWork()) {
        since = w.isDevice ? w.dueAt : w.steppedAt;
      } else if (w.state != State.IDLE) {
        continue;
      } else if (w.isCpu && raisedAt[w.cpu] != NONE) {
        since = raisedAt[w.cpu];
      } else if (!w.mailbox.isEmpty()) {
        since = w.mailbox.peek().time();
      } else {
        continue;
      }
      int holder = workerEnabled(i) ? i : interruptingCpu(w);
      if (since < oldest && holder >= 0) {
        oldest = since;
        who = holder;
      }
    }
    horizonEpoch = epoch;
    horizonHolder = who;
    horizon = oldest == Long.MAX_VALUE ? Long.MAX_VALUE : oldest + MAX_LAG_NS;
    return horizon;
  }

  /**
   * The CPU whose interrupt keeps task {@code w} from work it could otherwise go on with (the
   * interrupt must end first), or -1 (also when that CPU cannot run either). Such a task holds time back like an enabled one: a task on a
   * CPU that takes interrupt after interrupt still gets its turn, as the CPU time between them
   * gives it one on a real machine.
   */
  private int interruptingCpu(Worker w) {
    Actor a = w.actor;
    int cpu = a.cpu();
    if (a.kind() != Actor.Kind.TASK || cpu < 0 || cpu >= cpuWorkers.length || cpuWorkers[cpu] == null
        || !cpuWorkers[cpu].inIrq) {
      return -1;
    }
    boolean couldRun = switch (w.state) {
      case SUSPENDED -> true;
      case IDLE -> !w.mailbox.isEmpty() && cpuWorkAllowed(w);
      case WAITING -> ready(w);
      default -> false;
    };
    int c = cpuWorkers[cpu].id;
    return couldRun && workerEnabled(c) ? c : -1;
  }

  /** Whether an idle actor has work due before {@code t} that it has not started. */
  private boolean idleWorkDueBefore(long t) {
    for (int i = 1; i < workers.size(); i++) {
      Worker w = byId[i];
      if (w.state != State.IDLE) {
        continue;
      }
      boolean due = (!w.mailbox.isEmpty() && w.mailbox.peek().time() < t)
          || (w.isCpu && raisedAt[w.cpu] != NONE && raisedAt[w.cpu] < t);
      if (due && workerEnabled(i)) {
        return true;
      }
    }
    return false;
  }

  /** The actor whose waiting work keeps the clock from releasing a due event now, or -1. */
  private int clockHolder() {
    if (clockEnabledNow()) {
      return -1;
    }
    Event next = queue.peek();
    if (next == null || next.time() > limit || next.time() <= now) {
      return -1;
    }
    horizon();
    return horizonHolder;
  }

  /** Recomputes {@link #quiet} for {@code w} after its state or its mailbox changed. */
  private void updateQuiet(Worker w) {
    quiet[w.id] = w.id != 0 && w.state == State.IDLE && !w.isCpu && w.mailbox.isEmpty();
  }

  /** A TASK preempted by its CPU's interrupt, or by an atomic section on its CPU, cannot run. */
  private boolean excluded(Worker w) {
    int cpu = w.cpu;
    if (!w.isTask || cpu < 0) {
      return false;
    }
    if (cpu < cpuWorkers.length && cpuWorkers[cpu] != null && cpuWorkers[cpu].inIrq) {
      return true;
    }
    // Another actor on the CPU mid-work in an atomic section: a few workers per CPU to look at.
    for (Worker o : onCpu[cpu]) {
      if (o != w && o.midWork() && o.actor.atomicDepth() > 0) {
        return true;
      }
    }
    return false;
  }

  /** A CPU's own timer work runs in interrupt context: only while the CPU has interrupts on. */
  private boolean cpuWorkAllowed(Worker w) {
    return !w.isCpu || cpus == null || asActor(w, null);
  }

  private boolean canTake(Worker w) {
    if (!w.isCpu || w.inIrq || cpus == null) {
      return false;
    }
    try {
      return cpus.canTakeInterrupt(w.cpu); // the CPU's IF and APIC: no model code runs
    } catch (RuntimeException e) {
      fail(w.actor, e);
      return false;
    }
  }

  private boolean ready(Worker w) {
    return asActor(w, w.ready);
  }

  /**
   * Evaluates model code as {@code w} from the deciding thread: current() says w, but a point in
   * it must not switch (running is null); a throw fails the schedule. {@code check} null: the
   * CPU's interrupt flag (no lambda to allocate at every decision).
   */
  private boolean asActor(Worker w, BooleanSupplier check) {
    Actor saved = current;
    Worker savedRunning = running;
    current = w.actor;
    running = null;
    try {
      return check == null ? cpus.interruptsEnabled(w.cpu) : check.getAsBoolean();
    } catch (Abort a) {
      throw a;
    } catch (Throwable t) {
      fail(w.actor, t);
      return false;
    } finally {
      current = saved;
      running = savedRunning;
    }
  }

  private void checkDeadlock() {
    StringBuilder sb = new StringBuilder();
    for (Worker w : workers) {
      if (!w.midWork()) {
        continue;
      }
      sb.append(sb.length() == 0 ? "" : "; ").append(w.actor.name());
      if (w.state == State.WAITING) {
        sb.append(" waits for '").append(w.label).append('\'');
      } else {
        sb.append(" preempted at '").append(w.label).append('\'');
      }
      int cpu = w.actor.cpu();
      if (w.actor.kind() == Actor.Kind.TASK && cpu >= 0) {
        if (cpu < cpuWorkers.length && cpuWorkers[cpu] != null && cpuWorkers[cpu].inIrq) {
          sb.append(" (cpu ").append(cpu).append(" is in an interrupt)");
        } else if (excluded(w)) {
          sb.append(" (cpu ").append(cpu).append(" is held by an atomic section)");
        }
      }
      if (w.actor.atomicDepth() > 0) {
        sb.append(" [atomic depth ").append(w.actor.atomicDepth()).append(']');
      }
    }
    if (sb.length() > 0) {
      failure = new DeadlockException("deadlock at step " + steps + ", t=" + now + ": " + sb);
    }
  }

  /** The strategy's window on the runtime; one object, re-armed at every decision. */
  private final class View implements Decision {
    int at;
    boolean arrived;

    @Override
    public boolean arrived() {
      return arrived;
    }

    @Override
    public long step() {
      return steps;
    }

    @Override
    public long now() {
      return now;
    }

    @Override
    public int running() {
      return at;
    }

    @Override
    public int previous() {
      return previous;
    }

    @Override
    public int actorCount() {
      return workers.size();
    }

    @Override
    public Actor actor(int id) {
      return byId[id].actor;
    }

    @Override
    public boolean enabled(int id) {
      return id == 0 ? clockEnabledNow() : workerEnabled(id);
    }

    @Override
    public int enabledCount() {
      int n = 0;
      for (int i = 0; i < workers.size(); i++) {
        if (enabled(i)) {
          n++;
        }
      }
      return n;
    }

    @Override
    public int enabledId(int k) {
      for (int i = 0; i < workers.size(); i++) {
        if (enabled(i) && k-- == 0) {
          return i;
        }
      }
      throw new IndexOutOfBoundsException(k);
    }

    @Override
    public int clockHolder() {
      return ExploreRuntime.this.clockHolder();
    }

    @Override
    public long stepsOf(int id) {
      return byId[id].steps;
    }

    @Override
    public Resource resource(int id) {
      Worker w = byId[id];
      return w.state == State.SUSPENDED ? w.resource : null;
    }

    @Override
    public int resourceNumber(int id) {
      Resource r = resource(id);
      return r == null ? -1 : r.key(ExploreRuntime.this);
    }

    @Override
    public long offset(int id) {
      return byId[id].offset;
    }

    @Override
    public long unit(int id) {
      Worker w = byId[id];
      if (!w.unitKnown && w.resource != null) {
        w.unit = w.resource.unit(w.offset);
        w.unitKnown = true;
      }
      return w.unit;
    }

    @Override
    public Access access(int id) {
      return byId[id].access;
    }
  }

  // ---- helpers ----

  private void fail(Actor actor, Throwable t) {
    if (failure == null) {
      failure = new ActorFailureException(actor.name(), steps, t);
    }
  }

  private Worker workerOf(Actor actor) {
    int id = actor.id();
    if (id < 0 || id >= workers.size() || byId[id].actor != actor) {
      throw new ExecException("actor " + actor + " does not belong to this runtime");
    }
    return byId[id];
  }

  private boolean isActorThread() {
    Thread me = Thread.currentThread();
    for (Worker w : workers) {
      if (w.carrier != null && w.carrier.thread == me) {
        return true;
      }
    }
    return false;
  }

  private void enter(Worker w) {
    if (w.carrier == null || w.carrier.thread != Thread.currentThread()) {
      throw new IllegalStateException(
          "scheduling point from " + Thread.currentThread().getName() + " while " + w.actor + " runs");
    }
    if (shutdown) {
      throw ABORT;
    }
  }
}
