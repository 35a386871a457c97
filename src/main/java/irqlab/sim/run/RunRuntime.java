package irqlab.sim.run;

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
 * The throughput runtime. Scheduling points cost nothing; an interrupt raised on a CPU whose
 * interrupts are enabled is taken at once, nested on whatever that CPU was doing, exactly as the
 * hardware would at its next instruction boundary.
 *
 * <p>Events of CPUs, devices and the clock run inline on the thread that calls {@link #runUntil}.
 * Events of a {@code TASK} actor run on that task's own platform thread, because a task may block
 * (wait for a device command, sleep on a mutex) and must then keep its stack while the event loop
 * goes on. Only one thread runs model code at any time: the loop hands the baton to the task and
 * waits until the task's event ends or the task blocks. A blocked task is re-checked after every
 * event, in actor-id order, and resumed at the virtual time its condition became true or its
 * timeout fell due; a task busy with a blocked event takes its next events in order afterwards, as
 * a kworker does. So a run is still a pure function of the seed.
 *
 * <p>A CPU, device or clock cannot park: it runs inline, inside the event that made it run. When
 * such an actor must wait (a CPU's handler spinning on a descriptor lock that a blocked task holds
 * while it waits for a device command), the event loop runs nested inside its wait until the
 * condition holds: other devices, CPUs and tasks go on, while the events of the actors on the
 * waiter's stack (the spinning CPU, the device whose message it is handling) are held back until
 * the wait ends, because those actors are busy.
 *
 * <p>Task threads end when a {@link #runUntil} call returns with their task idle; those of tasks
 * still blocked end with {@link #close()}, which unwinds them.
 */
public final class RunRuntime implements Exec, AutoCloseable {
  /** Prefix of task thread names, so leaks are easy to spot in a thread dump. */
  public static final String THREAD_PREFIX = "run/";
  private static final long NO_DEADLINE = Long.MAX_VALUE;

  /** Unwinds a blocked task's thread when the runtime closes; an Error so model catch blocks miss it. */
  private static final class Abort extends Error {
    private static final long serialVersionUID = 1L;

    Abort() {
      super("run runtime closed", null, false, false);
    }
  }

  private static final Abort ABORT = new Abort();

  /** A TASK actor's execution: its thread (while it has work), its queued events, its wait. */
  private final class Task {
    final Actor actor;
    final ArrayDeque<Event> mailbox = new ArrayDeque<>();
    /** Clock-owned: marks the wait timed out; the check after it resumes the task. */
    final Event timer;
    Thread thread;
    /** The thread to give the baton back to when the task blocks or finishes. */
    Thread resumer;
    /** Between taking an event and finishing it: a busy task queues new events in its mailbox. */
    boolean busy;
    boolean blocked;
    boolean timedOut;
    boolean wokeReady;
    boolean exit;
    String why;
    BooleanSupplier ready;
    Throwable failure;

    Task(Actor actor) {
      this.actor = actor;
      this.timer = new Event(clock) {
        @Override
        public void run() {
          timedOut = true;
        }
      };
    }
  }

  private final EventQueue queue = new EventQueue();
  private final SplittableRandom random;
  private final List<Actor> actors = new ArrayList<>();
  /** By actor id; null for actors that are not tasks. */
  private final List<Task> tasks = new ArrayList<>();
  /** Blocked tasks in actor-id order, the order they are re-checked in. */
  private final List<Task> blocked = new ArrayList<>();
  private final Actor clock;
  private Actor[] cpuActors = new Actor[0];
  private boolean[] dispatching = new boolean[0];
  private Event[] deferred = new Event[0];
  /**
   * Per CPU, the id of the actor its current interrupt dispatch interrupted. An int, not the
   * actor: a reference store pays a GC card mark on every interrupt (3% of the delivery bench).
   */
  private int[] interrupted = new int[0];
  /** Actors busy further down the stack of a nested spin: their events wait. */
  private List<Actor> heldBack = List.of();
  private CpuPort cpus;
  private MightSleep mightSleep;
  private irqlab.exec.LockWatch lockWatch;
  private Actor current;
  private long now;
  private long eventsRun;
  /** Interrupts the CPUs took, nested in events: work the event budget counts too. */
  private long interruptsTaken;
  private int blockedCount;
  /** The thread allowed to run model code; hand-offs write it last (volatile: publishes state). */
  private volatile Thread holder;
  private boolean closed;
  private RunBudget budget = RunBudget.UNLIMITED;
  /** Told how far the run is every {@link #PROGRESS_EVERY} events. */
  private Progress progress;
  /** The event count at which the next budget or progress check is due. */
  private long checkAt = Long.MAX_VALUE;

  /** Events between two progress reports: about a tenth of a second of a busy run. */
  public static final long PROGRESS_EVERY = 1 << 20;

  /** Told of a long run's progress, on the model's thread: must not touch the model. */
  @FunctionalInterface
  public interface Progress {
    void at(long eventsRun, long nowNs);
  }

  public RunRuntime(long seed) {
    this.random = new SplittableRandom(seed);
    this.clock = newActor("clock", Actor.Kind.CLOCK, -1);
    this.current = clock;
  }

  /** Limits the work of the following {@link #runUntil} calls; see {@link BudgetExceeded}. */
  public void setBudget(RunBudget b) {
    this.budget = b;
    rearm();
  }

  public void setProgress(Progress p) {
    this.progress = p;
    rearm();
  }

  private void rearm() {
    long next = progress == null ? Long.MAX_VALUE : eventsRun + interruptsTaken + PROGRESS_EVERY;
    checkAt = Math.min(budget.maxEvents(), next);
  }

  /**
   * Due every {@link #checkAt} units of work: the event budget, then progress. Interrupts a CPU
   * takes count as work too: a line that re-raises itself from its own EOI (a stuck level line
   * whose handler claims it) never ends its event, and the budget must end it all the same.
   */
  private void checkpoint(long nextNs) {
    if (eventsRun + interruptsTaken >= budget.maxEvents()) {
      throw new BudgetExceeded(BudgetExceeded.Limit.EVENTS, budget.maxEvents(), eventsRun, interruptsTaken, now,
          nextNs);
    }
    if (progress != null) {
      progress.at(eventsRun, now);
    }
    rearm();
  }

  private BudgetExceeded timeBudget(long nextNs) {
    return new BudgetExceeded(BudgetExceeded.Limit.TIME, budget.maxTimeNs(), eventsRun, interruptsTaken, now,
        nextNs);
  }

  @Override
  public long now() {
    return now;
  }

  @Override
  public void point(String label) {
    // Run mode never switches at a point.
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
    queue.add(event, atNs);
  }

  @Override
  public boolean cancel(Event event) {
    if (queue.remove(event)) {
      return true;
    }
    Task t = taskOf(event.actor());
    return t != null && !t.mailbox.isEmpty() && t.mailbox.remove(event);
  }

  @Override
  public void waitUntil(String why, BooleanSupplier ready) {
    if (ready.getAsBoolean()) {
      return;
    }
    Task t = blockable();
    if (t == null) {
      spin(why, ready, NO_DEADLINE);
      return;
    }
    block(t, why, ready, NO_DEADLINE);
  }

  @Override
  public boolean waitUntil(String why, BooleanSupplier ready, long timeoutNs) {
    checkTimeout(timeoutNs);
    if (ready.getAsBoolean()) {
      return true;
    }
    if (timeoutNs == 0) {
      return false;
    }
    Task t = blockable();
    if (t == null) {
      return spin(why, ready, deadline(timeoutNs));
    }
    return block(t, why, ready, deadline(timeoutNs));
  }

  @Override
  public void sleep(long ns) {
    checkTimeout(ns);
    mightSleep("msleep");
    Task t = blockable();
    if (t == null) {
      spin("msleep", () -> false, deadline(ns)); // mdelay: a CPU or device busy-waits
      return;
    }
    block(t, "msleep", null, deadline(ns));
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
  public void attachCpus(CpuPort port) {
    this.cpus = port;
  }

  @Override
  public Actor newActor(String name, Actor.Kind kind, int cpu) {
    Actor a = new Actor(actors.size(), name, kind, cpu);
    actors.add(a);
    tasks.add(kind == Actor.Kind.TASK ? new Task(a) : null);
    if (kind == Actor.Kind.CPU) {
      if (cpu >= cpuActors.length) {
        cpuActors = Arrays.copyOf(cpuActors, cpu + 1);
        dispatching = Arrays.copyOf(dispatching, cpu + 1);
        deferred = Arrays.copyOf(deferred, cpu + 1);
        interrupted = Arrays.copyOf(interrupted, cpu + 1);
      }
      cpuActors[cpu] = a;
      deferred[cpu] = new Event(a) {
        @Override
        public void run() {
          dispatch(cpu);
        }
      };
    }
    return a;
  }

  /**
   * A device's message is taken at once (devices hold no kernel state, so nesting the handler in
   * the device's event is exact). A message raised by kernel code running on another CPU, which may
   * hold locks the handler needs, is taken by that CPU right after the current event, as the other
   * CPU would take it at its next instruction boundary while this one runs on. A CPU whose task
   * sleeps is idle and takes its interrupts the same way.
   */
  @Override
  public void interruptRaised(int cpu) {
    if (cpus == null || dispatching[cpu]) {
      return; // the dispatch loop already running on this CPU picks it up
    }
    if (!cpus.canTakeInterrupt(cpu)) {
      return;
    }
    int here = current.cpu();
    if (here >= 0 && here != cpu) {
      Event d = deferred[cpu];
      if (!d.isQueued()) {
        queue.add(d, now);
      }
      return;
    }
    dispatch(cpu);
  }

  private void dispatch(int cpu) {
    if (dispatching[cpu] || !cpus.canTakeInterrupt(cpu)) {
      return;
    }
    Actor prev = current;
    dispatching[cpu] = true;
    interrupted[cpu] = prev.id();
    current = cpuActors[cpu];
    try {
      do {
        if (++interruptsTaken + eventsRun >= checkAt) {
          checkpoint(now);
        }
        cpus.takeInterrupt(cpu);
      } while (cpus.canTakeInterrupt(cpu));
    } finally {
      dispatching[cpu] = false;
      current = prev;
    }
  }

  @Override
  public RandomGenerator random() {
    return random;
  }

  @Override
  public boolean exploring() {
    return false;
  }

  /**
   * Runs every event due at or before {@code untilNs}; time then stands at {@code untilNs}. Throws
   * what model code threw, and an {@link ExecException} for a deadlock: a task still blocked when
   * no event is left that could wake it.
   */
  public void runUntil(long untilNs) {
    if (closed) {
      throw new IllegalStateException("run runtime is closed");
    }
    if (Thread.currentThread() == holder) {
      throw new IllegalStateException("runUntil must be called from outside the model");
    }
    holder = Thread.currentThread();
    try {
      if (blockedCount != 0) {
        wakeReady(); // state may have changed between two calls
      }
      EventQueue q = queue;
      Event e;
      long until = Math.min(untilNs, budget.maxTimeNs());
      while ((e = q.peek()) != null && e.time() <= until) {
        if (eventsRun + interruptsTaken >= checkAt) {
          checkpoint(e.time());
        }
        q.poll();
        now = e.time();
        Actor a = e.actor();
        if (a.kind() == Actor.Kind.TASK) {
          startTask(e);
        } else {
          Actor prev = current;
          current = a;
          try {
            e.run();
          } finally {
            current = prev;
          }
        }
        eventsRun++;
        if (blockedCount != 0) {
          wakeReady();
        }
      }
    } finally {
      retireIdleTasks();
      holder = null;
    }
    Event next = queue.peek();
    if (next != null && next.time() <= untilNs && next.time() > budget.maxTimeNs()) {
      throw timeBudget(next.time());
    }
    if (blockedCount != 0 && queue.isEmpty()) {
      throw deadlock();
    }
    if (untilNs > now && untilNs != Long.MAX_VALUE) {
      now = untilNs;
    }
  }

  /** Runs until no event is left. */
  public void runToQuiescence() {
    runUntil(Long.MAX_VALUE);
  }

  /** Ends every task thread, unwinding blocked tasks (their finally blocks run, one at a time). */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    if (isTaskThread()) {
      throw new IllegalStateException("close must be called from outside the model");
    }
    closed = true;
    Thread saved = holder;
    holder = Thread.currentThread();
    try {
      for (Task t : tasks) {
        if (t != null && t.thread != null) {
          stop(t);
        }
      }
    } finally {
      blocked.clear();
      blockedCount = 0;
      holder = saved;
    }
  }

  public boolean idle() {
    return queue.isEmpty();
  }

  public long eventsRun() {
    return eventsRun;
  }

  /** Interrupts the CPUs took so far (nested in events). */
  public long interruptsTaken() {
    return interruptsTaken;
  }

  public List<Actor> actors() {
    return List.copyOf(actors);
  }

  public Actor cpuActor(int cpu) {
    return cpuActors[cpu];
  }

  /** Tasks blocked now, in actor-id order (for tests and diagnostics). */
  public List<Actor> blockedTasks() {
    List<Actor> l = new ArrayList<>(blocked.size());
    for (Task t : blocked) {
      l.add(t.actor);
    }
    return l;
  }

  /** Task threads alive now (blocked tasks keep theirs until resumed or closed). */
  public int liveThreads() {
    int n = 0;
    for (Task t : tasks) {
      if (t != null && t.thread != null) {
        n++;
      }
    }
    return n;
  }

  // ---- tasks ----

  private Task taskOf(Actor a) {
    int id = a.id();
    return id < tasks.size() && actors.get(id) == a ? tasks.get(id) : null;
  }

  /** The current task when the caller is that task's code on its own thread, else null. */
  private Task blockable() {
    Actor a = current;
    if (a.kind() != Actor.Kind.TASK) {
      return null;
    }
    Task t = taskOf(a);
    return t != null && t.thread == Thread.currentThread() ? t : null;
  }

  private boolean isTaskThread() {
    Thread me = Thread.currentThread();
    for (Task t : tasks) {
      if (t != null && t.thread == me) {
        return true;
      }
    }
    return false;
  }

  /** A task's event came due: run it now, or after the event the task is blocked in. */
  private void startTask(Event e) {
    Task t = taskOf(e.actor());
    if (t == null) {
      throw new ExecException("actor " + e.actor() + " does not belong to this runtime");
    }
    t.mailbox.add(e);
    if (!t.busy) {
      t.busy = true;
      resume(t);
    }
  }

  /** Gives the baton to {@code t} and waits until it finishes its work or blocks. */
  private void resume(Task t) {
    Actor prev = current;
    Thread me = Thread.currentThread();
    current = t.actor;
    t.resumer = me;
    Thread th = t.thread;
    if (th == null) {
      th = new Thread(() -> taskMain(t), THREAD_PREFIX + t.actor.name());
      th.setDaemon(true);
      t.thread = th;
      holder = th;
      th.start();
    } else {
      holder = th;
      LockSupport.unpark(th);
    }
    while (holder != me) {
      LockSupport.park(this);
    }
    current = prev;
    Throwable f = t.failure;
    if (f != null) {
      t.failure = null;
      // The failed event's successors are not lost: they run when the caller runs on.
      for (Event left; (left = t.mailbox.poll()) != null; ) {
        queue.add(left, now);
      }
      if (f instanceof RuntimeException r) {
        throw r;
      }
      if (f instanceof Error err) {
        throw err;
      }
      throw new ExecException(t.actor + " failed: " + f);
    }
  }

  private void taskMain(Task t) {
    Thread me = Thread.currentThread();
    try {
      awaitBaton(me);
      while (!t.exit) {
        for (Event e; (e = t.mailbox.poll()) != null; ) {
          try {
            e.run();
          } catch (Abort a) {
            throw a;
          } catch (Throwable x) {
            if (closed) {
              throw ABORT; // unwinding for close(), a finally block threw something else
            }
            t.failure = x;
            break;
          }
        }
        if (closed) {
          throw ABORT; // model code swallowed the Abort: end anyway
        }
        t.busy = false;
        Thread r = t.resumer;
        holder = r;
        LockSupport.unpark(r);
        awaitBaton(me);
      }
    } catch (Abort a) {
      // closed while blocked: the stack has unwound
    } finally {
      t.busy = false;
      t.thread = null;
      Thread r = t.resumer;
      holder = r;
      LockSupport.unpark(r);
    }
  }

  private void awaitBaton(Thread me) {
    while (holder != me) {
      LockSupport.park(this);
    }
  }

  /**
   * The wait of an actor that cannot park: runs the loop nested until {@code ready} holds or the
   * deadline passes (time then stands at the deadline, as for a CPU that spun that long). Events of
   * the actors busy on this stack are set aside and queued again, still due, when the wait ends.
   */
  private boolean spin(String why, BooleanSupplier ready, long deadline) {
    if (closed) {
      if (isTaskThread()) {
        throw ABORT; // a blocked task unwinding in close() runs no more of the world
      }
      throw new IllegalStateException("run runtime is closed");
    }
    Actor me = current;
    List<Actor> held = new ArrayList<>(heldBack);
    hold(held, me);
    // A CPU spins inside an interrupt that nested in some actor's work (a device sending the
    // message, a task on that CPU): that actor is busy too.
    if (me.kind() == Actor.Kind.CPU && dispatching[me.cpu()]) {
      hold(held, actors.get(interrupted[me.cpu()]));
    }
    List<Actor> savedHeld = heldBack;
    heldBack = held;
    List<Event> setAside = new ArrayList<>();
    try {
      while (true) {
        current = me;
        if (ready.getAsBoolean()) {
          return true;
        }
        Event e = queue.peek();
        if (e == null || e.time() > deadline) {
          if (deadline == NO_DEADLINE) {
            throw new ExecException(me + " spins forever on '" + why + "' at t=" + now
                + ": no event is left that could end the wait" + blockedSuffix());
          }
          now = Math.max(now, deadline);
          return ready.getAsBoolean();
        }
        if (e.time() > budget.maxTimeNs()) {
          throw timeBudget(e.time());
        }
        if (eventsRun + interruptsTaken >= checkAt) {
          checkpoint(e.time());
        }
        queue.poll();
        Actor a = e.actor();
        if (held.contains(a)) {
          setAside.add(e);
          continue;
        }
        now = Math.max(now, e.time());
        if (a.kind() == Actor.Kind.TASK) {
          startTask(e);
        } else {
          current = a;
          e.run();
        }
        eventsRun++;
        if (blockedCount != 0) {
          wakeReady();
        }
      }
    } finally {
      current = me;
      heldBack = savedHeld;
      for (Event e : setAside) {
        queue.add(e, now); // overdue now; their order among themselves is kept
      }
    }
  }

  /** Clock events (timers) are bookkeeping, never busy: they are not held back. */
  private static void hold(List<Actor> held, Actor a) {
    if (a != null && a.kind() != Actor.Kind.CLOCK && !held.contains(a)) {
      held.add(a);
    }
  }

  private String blockedSuffix() {
    if (blocked.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder(" (blocked: ");
    for (int i = 0; i < blocked.size(); i++) {
      Task t = blocked.get(i);
      sb.append(i == 0 ? "" : "; ").append(t.actor.name()).append(" waits for '").append(t.why).append('\'');
    }
    return sb.append(')').toString();
  }

  /** Parks the running task until its condition holds or its deadline passes. */
  private boolean block(Task t, String why, BooleanSupplier ready, long deadline) {
    if (closed) {
      throw ABORT;
    }
    t.blocked = true;
    t.why = why;
    t.ready = ready;
    t.timedOut = false;
    t.wokeReady = false;
    if (deadline != NO_DEADLINE) {
      queue.add(t.timer, deadline);
    }
    int i = blocked.size();
    while (i > 0 && blocked.get(i - 1).actor.id() > t.actor.id()) {
      i--;
    }
    blocked.add(i, t);
    blockedCount++;
    Thread me = Thread.currentThread();
    Thread r = t.resumer;
    holder = r;
    LockSupport.unpark(r);
    awaitBaton(me);
    if (closed) {
      throw ABORT;
    }
    return t.wokeReady;
  }

  /** Resumes blocked tasks whose condition holds or whose timer fired, lowest actor id first. */
  private void wakeReady() {
    int i = 0;
    while (i < blocked.size()) {
      Task t = blocked.get(i);
      boolean ready = t.ready != null && ready(t);
      if (ready || t.timedOut) {
        blocked.remove(i);
        blockedCount--;
        t.blocked = false;
        t.wokeReady = ready;
        t.ready = null;
        queue.remove(t.timer);
        resume(t);
        i = 0; // what the task did may have readied a task before it
      } else {
        i++;
      }
    }
  }

  private boolean ready(Task t) {
    Actor prev = current;
    current = t.actor;
    try {
      return t.ready.getAsBoolean();
    } finally {
      current = prev;
    }
  }

  private void retireIdleTasks() {
    for (Task t : tasks) {
      if (t != null && t.thread != null && !t.busy) {
        stop(t);
        t.exit = false;
      }
    }
  }

  /** Ends {@code t}'s thread: an idle one returns, a blocked one unwinds; waits until it is gone. */
  private void stop(Task t) {
    Thread th = t.thread;
    Thread me = Thread.currentThread();
    Actor prev = current;
    current = t.actor;
    t.resumer = me;
    t.exit = true;
    holder = th;
    LockSupport.unpark(th);
    while (holder != me) {
      LockSupport.park(this);
    }
    current = prev;
    join(th);
    if (t.blocked) {
      t.blocked = false;
      queue.remove(t.timer);
    }
  }

  private ExecException deadlock() {
    StringBuilder sb = new StringBuilder();
    for (Task t : blocked) {
      sb.append(sb.length() == 0 ? "" : "; ").append(t.actor.name())
          .append(" waits for '").append(t.why).append('\'');
      if (t.actor.atomicDepth() > 0) {
        sb.append(" [atomic depth ").append(t.actor.atomicDepth()).append(']');
      }
    }
    return new ExecException("deadlock at t=" + now + ": " + sb + " and no event is left to wake it");
  }

  private static void checkTimeout(long ns) {
    if (ns < 0) {
      throw new IllegalArgumentException("negative timeout: " + ns);
    }
  }

  private long deadline(long timeoutNs) {
    long d = now + timeoutNs;
    return timeoutNs == Long.MAX_VALUE || d < now ? NO_DEADLINE : d;
  }

  private static void join(Thread t) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          t.join();
          return;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
