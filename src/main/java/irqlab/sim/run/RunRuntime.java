package irqlab.sim.run;

import irqlab.exec.Actor;
import irqlab.exec.CpuPort;
import irqlab.exec.Event;
import irqlab.exec.EventQueue;
import irqlab.exec.Exec;
import irqlab.exec.ExecException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;

/**
 * The throughput runtime. Scheduling points cost nothing; an interrupt raised on a CPU whose
 * interrupts are enabled is taken at once, nested on whatever that CPU was doing, exactly as the
 * hardware would at its next instruction boundary.
 */
public final class RunRuntime implements Exec {
  private final EventQueue queue = new EventQueue();
  private final SplittableRandom random;
  private final List<Actor> actors = new ArrayList<>();
  private final Actor clock;
  private Actor[] cpuActors = new Actor[0];
  private boolean[] dispatching = new boolean[0];
  private Event[] deferred = new Event[0];
  private CpuPort cpus;
  private Actor current;
  private long now;
  private long eventsRun;

  public RunRuntime(long seed) {
    this.random = new SplittableRandom(seed);
    this.clock = newActor("clock", Actor.Kind.CLOCK, -1);
    this.current = clock;
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
    return queue.remove(event);
  }

  @Override
  public void waitUntil(String why, BooleanSupplier ready) {
    if (!ready.getAsBoolean()) {
      throw new ExecException(current + " blocks forever on '" + why + "' in run mode");
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
    if (kind == Actor.Kind.CPU) {
      if (cpu >= cpuActors.length) {
        cpuActors = java.util.Arrays.copyOf(cpuActors, cpu + 1);
        dispatching = java.util.Arrays.copyOf(dispatching, cpu + 1);
        deferred = java.util.Arrays.copyOf(deferred, cpu + 1);
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
   * CPU would take it at its next instruction boundary while this one runs on.
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
    current = cpuActors[cpu];
    try {
      do {
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

  /** Runs every event due at or before {@code untilNs}; time then stands at {@code untilNs}. */
  public void runUntil(long untilNs) {
    EventQueue q = queue;
    Event e;
    while ((e = q.peek()) != null && e.time() <= untilNs) {
      q.poll();
      now = e.time();
      Actor prev = current;
      current = e.actor();
      try {
        e.run();
      } finally {
        current = prev;
      }
      eventsRun++;
    }
    if (untilNs > now && untilNs != Long.MAX_VALUE) {
      now = untilNs;
    }
  }

  /** Runs until no event is left. */
  public void runToQuiescence() {
    runUntil(Long.MAX_VALUE);
  }

  public boolean idle() {
    return queue.isEmpty();
  }

  public long eventsRun() {
    return eventsRun;
  }

  public List<Actor> actors() {
    return List.copyOf(actors);
  }

  public Actor cpuActor(int cpu) {
    return cpuActors[cpu];
  }
}
