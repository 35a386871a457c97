package irqlab.sim.explore;

import irqlab.exec.Actor;
import irqlab.exec.CpuPort;
import irqlab.exec.Event;
import irqlab.exec.EventQueue;
import irqlab.exec.Exec;
import irqlab.exec.ExecException;
import irqlab.exec.MightSleep;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;

/**
 * The race-finding runtime. Every actor runs on its own platform thread, but only the holder of
 * the baton executes model code; at every scheduling point the holder asks the {@link Strategy}
 * who runs next among the enabled actors and hands the baton over. The decision logic runs in the
 * thread that reaches the point, so there is no controller thread and a hand-off is one unpark.
 *
 * <p>Semantics match {@link irqlab.sim.run.RunRuntime} except that points may switch actors:
 *
 * <ul>
 *   <li>The clock (actor 0) is a choice whenever an event is due and either it is due now or no
 *       idle actor is ready to start work: choosing it pops the next event, advances time and
 *       puts the event in its actor's mailbox. So an event starts at its own time, while started
 *       work may be overtaken by later events. Events of {@code CLOCK}-kind actors run inline and
 *       atomically, as in run mode.
 *   <li>An idle actor with mail runs its next event. An idle CPU actor whose {@link CpuPort} says
 *       it can take an interrupt takes one per turn; a CPU actor suspended in its own code takes
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
 * the runtime is then dead except for {@link #close()}, which unwinds all actor threads.
 */
public final class ExploreRuntime implements Exec, AutoCloseable {
  public static final long DEFAULT_MAX_STEPS = 1_000_000;
  /** Prefix of actor thread names, so leaks are easy to spot in a thread dump. */
  public static final String THREAD_PREFIX = "explore/";

  private enum State {
    IDLE,
    RUNNING,
    SUSPENDED,
    WAITING
  }

  private static final class Worker {
    final Actor actor;
    final ArrayDeque<Event> mailbox = new ArrayDeque<>();
    Thread thread;
    State state = State.IDLE;
    String label;
    BooleanSupplier ready;
    boolean inIrq;

    Worker(Actor actor) {
      this.actor = actor;
    }

    boolean midWork() {
      return state == State.SUSPENDED || state == State.WAITING;
    }
  }

  /** Unwinds an actor thread when the runtime closes; an Error so model catch blocks miss it. */
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
  private final List<Worker> workers = new ArrayList<>();
  private final List<Actor> enabled = new ArrayList<>();
  /** Stands for the thread that called runUntil; the baton goes back to it when the run stops. */
  private final Worker driver = new Worker(null);
  private final Actor clock;
  private Worker[] cpuWorkers = new Worker[0];
  private int[] atomicHolders = new int[0];
  private CpuPort cpus;
  private MightSleep mightSleep;
  private irqlab.exec.LockWatch lockWatch;

  private volatile Worker baton = driver;
  private volatile boolean shutdown;
  private volatile boolean stopRequested;
  /** The worker executing model code; null for the driver and for inline clock events. */
  private Worker running;
  private Actor current;
  private Actor previous;
  private long now;
  private long limit;
  private long steps;
  private long eventsRun;
  private int[] log = new int[256];
  private RuntimeException failure;
  private boolean closed;

  public ExploreRuntime(long seed, Strategy strategy) {
    this(seed, strategy, DEFAULT_MAX_STEPS);
  }

  public ExploreRuntime(long seed, Strategy strategy, long maxSteps) {
    if (maxSteps < 1) {
      throw new IllegalArgumentException("maxSteps must be positive");
    }
    this.seed = seed;
    this.random = new SplittableRandom(seed);
    this.strategy = strategy;
    this.maxSteps = maxSteps;
    this.clock = newActor("clock", Actor.Kind.CLOCK, -1);
    this.current = clock;
    this.previous = clock;
  }

  /** The runtime of schedule {@code id}: its seed for the model, its strategy for the choices. */
  public static ExploreRuntime forSchedule(ScheduleId id) {
    return new ExploreRuntime(id.seed(), Strategies.forId(id));
  }

  public static ExploreRuntime forSchedule(ScheduleId id, long maxSteps) {
    return new ExploreRuntime(id.seed(), Strategies.forId(id), maxSteps);
  }

  // ---- Exec ----

  @Override
  public long now() {
    return now;
  }

  @Override
  public void point(String label) {
    Worker w = running;
    if (w == null) {
      return; // outside any actor nothing else may run, as in run mode
    }
    enter(w);
    w.label = label;
    do {
      w.state = State.SUSPENDED;
      yieldFrom(w);
      w.state = State.RUNNING;
    } while (tookInterrupt(w));
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
    if (!w.mailbox.isEmpty()) {
      w.mailbox.remove(event);
    }
    queue.add(event, atNs);
  }

  @Override
  public boolean cancel(Event event) {
    if (queue.remove(event)) {
      return true;
    }
    Worker w = workerOf(event.actor());
    return !w.mailbox.isEmpty() && w.mailbox.remove(event);
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
    enter(w);
    while (true) {
      w.label = why;
      w.ready = ready;
      w.state = State.WAITING;
      yieldFrom(w);
      w.state = State.RUNNING;
      w.ready = null;
      if (!tookInterrupt(w) && ready.getAsBoolean()) {
        return;
      }
    }
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
      while (true) {
        w.label = why;
        w.ready = readyOrLate;
        w.state = State.WAITING;
        yieldFrom(w);
        w.state = State.RUNNING;
        w.ready = null;
        if (tookInterrupt(w)) {
          continue;
        }
        if (ready.getAsBoolean()) {
          return true;
        }
        if (late[0]) {
          return false;
        }
      }
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
    // Enabledness is recomputed at every decision, so the CPU's actor becomes a choice by itself.
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
    if (cpu >= atomicHolders.length) {
      atomicHolders = Arrays.copyOf(atomicHolders, cpu + 1);
    }
    if (kind == Actor.Kind.CPU) {
      if (cpu < 0) {
        throw new IllegalArgumentException("CPU actor " + name + " needs a cpu number");
      }
      if (cpu >= cpuWorkers.length) {
        cpuWorkers = Arrays.copyOf(cpuWorkers, cpu + 1);
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
    if (baton != driver || isActorThread()) {
      throw new IllegalStateException("runUntil must be called from outside the model");
    }
    if (failure != null) {
      throw failure;
    }
    driver.thread = Thread.currentThread();
    limit = untilNs;
    handOff(driver, decide());
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

  /** Terminates every actor thread, unwinding those suspended mid-work. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    if (isActorThread()) {
      throw new IllegalStateException("close must be called from outside the model");
    }
    closed = true;
    shutdown = true;
    List<String> stuck = new ArrayList<>();
    for (Worker w : workers) {
      Thread t = w.thread;
      if (t == null) {
        continue;
      }
      // One thread unwinds at a time, so finally blocks in model code still run alone.
      running = w;
      current = w.actor;
      baton = w;
      LockSupport.unpark(t);
      if (!join(t)) {
        stuck.add(t.getName());
      }
    }
    running = null;
    current = clock;
    baton = driver;
    if (!stuck.isEmpty()) {
      throw new IllegalStateException("actor threads did not terminate: " + stuck);
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

  /** The id of the actor chosen at each step. */
  public int[] decisionIds() {
    return Arrays.copyOf(log, (int) steps);
  }

  /** The name of the actor chosen at each step. */
  public List<String> decisions() {
    List<String> names = new ArrayList<>((int) steps);
    for (int i = 0; i < steps; i++) {
      names.add(workers.get(log[i]).actor.name());
    }
    return names;
  }

  /** The decisions as actor ids, runs compressed: {@code 0 2*3 1} is clock, 2, 2, 2, 1. */
  public String decisionLog() {
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

  // ---- the baton ----

  /** Decides who runs next and passes the baton; returns when the caller holds it again. */
  private void yieldFrom(Worker w) {
    handOff(w, decide());
  }

  private void handOff(Worker from, Worker to) {
    if (to == from) {
      return;
    }
    running = to == driver ? null : to;
    current = to == driver ? clock : to.actor;
    Thread t = to.thread;
    if (t == null) {
      t = new Thread(() -> workerMain(to), THREAD_PREFIX + to.actor.name());
      t.setDaemon(true);
      to.thread = t;
      baton = to;
      t.start();
    } else {
      baton = to; // volatile write: publishes all model state to the next holder
      LockSupport.unpark(t);
    }
    awaitBaton(from);
  }

  private void awaitBaton(Worker w) {
    while (baton != w) {
      LockSupport.park(this);
      if (w == driver && Thread.interrupted()) {
        // Ask the holder to stop at its next decision; the driver re-asserts the interrupt.
        stopRequested = true;
      }
    }
    if (shutdown && w != driver) {
      throw ABORT;
    }
  }

  private void workerMain(Worker w) {
    try {
      awaitBaton(w);
      while (true) {
        w.state = State.RUNNING;
        try {
          // A CPU takes a deliverable interrupt before it starts new work.
          if (!tookInterrupt(w)) {
            Event e = w.mailbox.poll();
            if (e == null) {
              throw new IllegalStateException("chosen with nothing to do");
            }
            eventsRun++;
            e.run();
          }
        } catch (Abort a) {
          throw a;
        } catch (Throwable t) {
          if (shutdown) {
            // Model code unwinding for close() replaced the Abort (say an unlock in a finally
            // threw): the thread must still end instead of handing the baton on.
            throw ABORT;
          }
          fail(w.actor, t);
        }
        if (shutdown) {
          throw ABORT; // model code swallowed the Abort
        }
        w.state = State.IDLE;
        w.label = null;
        handOff(w, failure != null ? driver : decide());
      }
    } catch (Abort a) {
      // closed: the thread ends
    } catch (Throwable t) {
      if (!shutdown) {
        fail(w.actor, t);
        w.state = State.IDLE;
        running = null;
        current = clock;
        baton = driver;
        LockSupport.unpark(driver.thread);
      }
    }
  }

  private boolean tookInterrupt(Worker w) {
    if (w.actor.kind() != Actor.Kind.CPU || w.inIrq || cpus == null) {
      return false;
    }
    int cpu = w.actor.cpu();
    if (!cpus.canTakeInterrupt(cpu)) {
      return false;
    }
    w.inIrq = true;
    try {
      cpus.takeInterrupt(cpu);
    } finally {
      w.inIrq = false;
    }
    return true;
  }

  // ---- decisions ----

  /** Takes steps until an actor is chosen; the driver when the run must stop. */
  private Worker decide() {
    while (true) {
      if (failure != null) {
        return driver;
      }
      if (stopRequested) {
        failure = new ExecException("schedule interrupted at step " + steps);
        return driver;
      }
      List<Actor> choices = enabledActors();
      if (failure != null) {
        return driver;
      }
      if (choices.isEmpty()) {
        if (queue.isEmpty()) {
          checkDeadlock();
        }
        return driver;
      }
      if (steps >= maxSteps) {
        Worker w = running;
        failure =
            new ExecException(
                "step bound exceeded: "
                    + maxSteps
                    + " steps at t="
                    + now
                    + (w == null ? "" : ", " + w.actor + " at '" + w.label + "'"));
        return driver;
      }
      int i;
      try {
        i = strategy.pick(steps, choices, previous);
      } catch (RuntimeException e) {
        failure = new ExecException("strategy " + strategy.name() + " failed: " + e);
        failure.initCause(e);
        return driver;
      }
      if (i < 0 || i >= choices.size()) {
        failure = new ExecException("strategy " + strategy.name() + " picked " + i + " of " + choices);
        return driver;
      }
      Actor a = choices.get(i);
      record(a.id());
      previous = a;
      if (a == clock) {
        tick();
        continue;
      }
      return workers.get(a.id());
    }
  }

  private void record(int id) {
    if (steps == log.length) {
      log = Arrays.copyOf(log, log.length * 2);
    }
    log[(int) steps++] = id;
  }

  /** The clock's step: release the next event to its actor. */
  private void tick() {
    Event e = queue.poll();
    if (e.time() > now) {
      now = e.time();
    }
    Actor owner = e.actor();
    if (owner.kind() != Actor.Kind.CLOCK) {
      workerOf(owner).mailbox.add(e);
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

  private List<Actor> enabledActors() {
    enabled.clear();
    Arrays.fill(atomicHolders, 0);
    for (Worker w : workers) {
      int cpu = w.actor.cpu();
      if (cpu >= 0 && w.midWork() && w.actor.atomicDepth() > 0) {
        atomicHolders[cpu]++;
      }
    }
    boolean startable = false;
    for (Worker w : workers) {
      if (w.actor.kind() != Actor.Kind.CLOCK && isEnabled(w)) {
        enabled.add(w.actor);
        startable |= w.state == State.IDLE;
      }
      if (failure != null) {
        return enabled;
      }
    }
    // Time moves on only when no actor is ready to start due work: otherwise a later event (a
    // timeout) could overtake an earlier one that has not even begun. Started work can still be
    // overtaken, which is how a slow or preempted actor is modelled.
    Event next = queue.peek();
    if (next != null && next.time() <= limit && (next.time() <= now || !startable)) {
      enabled.add(0, clock);
    }
    return enabled;
  }

  private boolean isEnabled(Worker w) {
    switch (w.state) {
      case IDLE:
        return canTake(w) || (!w.mailbox.isEmpty() && !excluded(w));
      case SUSPENDED:
        return !excluded(w);
      case WAITING:
        return canTake(w) || (!excluded(w) && ready(w));
      default:
        return false; // the decider itself never reaches here in RUNNING
    }
  }

  /** A TASK preempted by its CPU's interrupt, or by an atomic section on its CPU, cannot run. */
  private boolean excluded(Worker w) {
    Actor a = w.actor;
    int cpu = a.cpu();
    if (a.kind() != Actor.Kind.TASK || cpu < 0) {
      return false;
    }
    if (cpu < cpuWorkers.length && cpuWorkers[cpu] != null && cpuWorkers[cpu].inIrq) {
      return true;
    }
    int own = w.midWork() && a.atomicDepth() > 0 ? 1 : 0;
    return atomicHolders[cpu] > own;
  }

  private boolean canTake(Worker w) {
    if (w.actor.kind() != Actor.Kind.CPU || w.inIrq || cpus == null) {
      return false;
    }
    Actor saved = current;
    Worker savedRunning = running;
    current = w.actor;
    running = null;
    try {
      return cpus.canTakeInterrupt(w.actor.cpu());
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

  private boolean ready(Worker w) {
    Actor saved = current;
    Worker savedRunning = running;
    current = w.actor;
    running = null; // a point inside a condition must not switch
    try {
      return w.ready.getAsBoolean();
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
      failure = new ExecException("deadlock at step " + steps + ", t=" + now + ": " + sb);
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
    if (id < 0 || id >= workers.size() || workers.get(id).actor != actor) {
      throw new ExecException("actor " + actor + " does not belong to this runtime");
    }
    return workers.get(id);
  }

  private void enter(Worker w) {
    if (w.thread != Thread.currentThread()) {
      throw new IllegalStateException(
          "scheduling point from " + Thread.currentThread().getName() + " while " + w.actor + " runs");
    }
    if (shutdown) {
      throw ABORT;
    }
  }

  private boolean isActorThread() {
    Thread me = Thread.currentThread();
    for (Worker w : workers) {
      if (w.thread == me) {
        return true;
      }
    }
    return false;
  }

  private static boolean join(Thread t) {
    boolean interrupted = false;
    long deadline = System.nanoTime() + 10_000_000_000L;
    try {
      while (t.isAlive()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          t.join(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      return true;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
