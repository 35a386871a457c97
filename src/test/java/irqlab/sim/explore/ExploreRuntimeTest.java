package irqlab.sim.explore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import irqlab.exec.Actor;
import irqlab.exec.CpuPort;
import irqlab.exec.Event;
import irqlab.exec.Exec;
import irqlab.exec.ExecException;
import irqlab.exec.RawSpinLock;
import irqlab.sim.run.RunRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ExploreRuntimeTest {

  /** One CPU whose interrupt flag a task toggles and whose pending count a device raises. */
  static final class FakeCpu implements CpuPort {
    final Exec exec;
    Actor cpuActor;
    boolean ifOn = true;
    boolean inHandler;
    boolean taskMidWork;
    int pending;
    int taken;
    int preemptedTask;
    final List<String> violations = new ArrayList<>();

    FakeCpu(Exec exec) {
      this.exec = exec;
    }

    @Override
    public boolean canTakeInterrupt(int cpu) {
      return ifOn && pending > 0;
    }

    @Override
    public void takeInterrupt(int cpu) {
      if (!ifOn || pending == 0) {
        violations.add("interrupt taken while canTakeInterrupt was false");
      }
      if (inHandler) {
        violations.add("interrupt nested on an interrupt");
      }
      if (exec.current() != cpuActor) {
        violations.add("handler runs as " + exec.current());
      }
      if (taskMidWork) {
        preemptedTask++;
      }
      pending--;
      inHandler = true;
      exec.point("handler");
      exec.point("handler end");
      inHandler = false;
      taken++;
    }
  }

  static FakeCpu irqModel(Exec exec, boolean taskLeavesIrqsOff) {
    FakeCpu port = new FakeCpu(exec);
    exec.attachCpus(port);
    port.cpuActor = exec.newActor("cpu0", Actor.Kind.CPU, 0);
    Actor task = exec.newActor("task", Actor.Kind.TASK, 0);
    Actor dev = exec.newActor("dev", Actor.Kind.DEVICE, -1);
    exec.schedule(
        Event.of(
            task,
            () -> {
              port.taskMidWork = true;
              for (int i = 0; i < 3; i++) {
                check(port, "task start");
                port.ifOn = false;
                exec.point("irqs off");
                check(port, "irqs off");
                exec.point("critical");
                check(port, "critical");
                port.ifOn = !taskLeavesIrqsOff;
                exec.interruptRaised(0);
                exec.point("irqs on");
                check(port, "irqs on");
              }
              port.taskMidWork = false;
            }),
        0);
    for (int i = 0; i < 5; i++) {
      exec.schedule(
          Event.of(
              dev,
              () -> {
                port.pending++;
                exec.interruptRaised(0);
                exec.point("raised");
              }),
          i * 10L);
    }
    return port;
  }

  static void check(FakeCpu port, String where) {
    if (port.inHandler) {
      port.violations.add("task ran inside the interrupt handler at " + where);
    }
  }

  @Test
  void cpuTakesInterruptsOnlyWhenAllowedAndPreemptsItsTask() {
    int preempting = 0;
    for (int i = 0; i < 100; i++) {
      try (ExploreRuntime rt = ExploreRuntime.forSchedule(new ScheduleId("random", 11, i))) {
        FakeCpu port = irqModel(rt, false);
        rt.runToQuiescence();
        assertThat(port.violations).as("schedule %d", i).isEmpty();
        assertThat(port.taken).isEqualTo(5);
        assertThat(port.pending).isZero();
        preempting += port.preemptedTask > 0 ? 1 : 0;
      }
    }
    assertThat(preempting).as("schedules where an interrupt preempted the task").isPositive();
  }

  @Test
  void maskedInterruptsStayPending() {
    try (ExploreRuntime rt = ExploreRuntime.forSchedule(new ScheduleId("random", 11, 0))) {
      FakeCpu port = irqModel(rt, true);
      port.ifOn = false;
      rt.runToQuiescence();
      assertThat(port.taken).isZero();
      assertThat(port.pending).isEqualTo(5);
      assertThat(port.violations).isEmpty();
    }
  }

  @Test
  void aTaskDoesNotRunInsideAnAtomicSectionOfAnotherTaskOnItsCpu() {
    int[] sameCpuOverlaps = new int[1];
    int[] crossCpuOverlaps = new int[1];
    for (int i = 0; i < 100; i++) {
      for (int otherCpu : new int[] {0, 1}) {
        try (ExploreRuntime rt = ExploreRuntime.forSchedule(new ScheduleId("random", 4, i))) {
          RawSpinLock lock = new RawSpinLock(rt, "l");
          Actor holder = rt.newActor("holder", Actor.Kind.TASK, 0);
          Actor other = rt.newActor("other", Actor.Kind.TASK, otherCpu);
          rt.schedule(Event.of(holder, () -> {
            lock.lock();
            rt.point("a");
            rt.point("b");
            lock.unlock();
          }), 0);
          rt.schedule(Event.of(other, () -> {
            for (int k = 0; k < 3; k++) {
              if (lock.owner() == holder) {
                (otherCpu == 0 ? sameCpuOverlaps : crossCpuOverlaps)[0]++;
              }
              rt.point("step");
            }
          }), 0);
          rt.runToQuiescence();
        }
      }
    }
    assertThat(sameCpuOverlaps[0]).isZero();
    assertThat(crossCpuOverlaps[0]).isPositive();
  }

  @Test
  void interruptHandlerSpinningOnALockItsTaskHoldsDeadlocks() {
    boolean found = false;
    for (int i = 0; i < 100 && !found; i++) {
      try (ExploreRuntime rt = ExploreRuntime.forSchedule(new ScheduleId("random", 8, i))) {
        RawSpinLock lock = new RawSpinLock(rt, "l");
        int[] pending = {0};
        rt.newActor("cpu0", Actor.Kind.CPU, 0);
        rt.attachCpus(new CpuPort() {
          @Override
          public boolean canTakeInterrupt(int c) {
            return pending[0] > 0;
          }

          @Override
          public void takeInterrupt(int c) {
            pending[0]--;
            lock.lock(); // spin_lock without irqsave in the task: the classic AA deadlock
            lock.unlock();
          }
        });
        Actor task = rt.newActor("task", Actor.Kind.TASK, 0);
        Actor dev = rt.newActor("dev", Actor.Kind.DEVICE, -1);
        rt.schedule(Event.of(task, () -> {
          lock.lock();
          rt.point("holding");
          lock.unlock();
        }), 0);
        rt.schedule(Event.of(dev, () -> pending[0]++), 0);
        try {
          rt.runToQuiescence();
        } catch (ExecException e) {
          assertThat(e).hasMessageContaining("deadlock");
          assertThat(e.getMessage())
              .containsPattern("cpu0 waits for '[^']*l'")
              .contains("task preempted at 'holding' (cpu 0 is in an interrupt)");
          found = true;
        }
      }
    }
    assertThat(found).isTrue();
  }

  /** Devices with periodic events whose periods come from the model's random stream. */
  static List<String> periodic(Exec exec, List<Long> times, List<String> problems) {
    List<String> trace = new ArrayList<>();
    for (int d = 0; d < 3; d++) {
      Actor dev = exec.newActor("dev" + d, Actor.Kind.DEVICE, -1);
      long period = 5 + exec.random().nextInt(20);
      int[] left = {4};
      Event tick =
          new Event(dev) {
            @Override
            public void run() {
              if (exec.current() != dev) {
                problems.add(dev + " event ran as " + exec.current());
              }
              if (exec.exploring() && !Thread.currentThread().getName().startsWith(ExploreRuntime.THREAD_PREFIX)) {
                problems.add(dev + " event ran on " + Thread.currentThread().getName());
              }
              if (exec.now() < time()) {
                problems.add(dev + " started at " + exec.now() + ", before " + time());
              }
              times.add(exec.now());
              trace.add(dev + "@" + time());
              if (--left[0] > 0) {
                exec.schedule(this, exec.now() + period);
              }
              exec.point("tick");
              times.add(exec.now());
            }
          };
      exec.schedule(tick, exec.random().nextInt(10));
    }
    return trace;
  }

  @Test
  void clockReleasesEventsToTheirOwnActorsAndTimeIsMonotonic() {
    RunRuntime run = new RunRuntime(21);
    List<String> runProblems = new ArrayList<>();
    List<String> runTrace = periodic(run, new ArrayList<>(), runProblems);
    run.runToQuiescence();
    assertThat(runProblems).isEmpty();

    boolean late = false;
    for (int i = 0; i < 50; i++) {
      // Same model seed as the run-mode runtime: the same periods and first times.
      try (ExploreRuntime rt = new ExploreRuntime(21, new RandomStrategy(i))) {
        List<Long> times = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<String> trace = periodic(rt, times, problems);
        rt.runToQuiescence();
        assertThat(problems).isEmpty();
        assertThat(times).isSorted();
        assertThat(trace).hasSameSizeAs(runTrace);
        assertThat(rt.eventsRun()).isEqualTo(run.eventsRun());
        late |= !trace.equals(runTrace);
      }
    }
    assertThat(late).as("a busy device started its next event late").isTrue();
  }

  @Test
  void workStartsAtMostTheLagLateAndTimersNeverOvertakeDueWork() {
    boolean overtaken = false;
    for (int i = 0; i < 100; i++) {
      try (ExploreRuntime rt = ExploreRuntime.forSchedule(new ScheduleId("random", 6, i))) {
        boolean[] started = new boolean[3];
        List<String> problems = new ArrayList<>();
        for (int d = 0; d < 3; d++) {
          Actor dev = rt.newActor("dev" + d, Actor.Kind.DEVICE, -1);
          int me = d;
          long due = (d + 1) * 10L;
          rt.schedule(Event.of(dev, () -> {
            if (rt.now() < due || rt.now() > due + ExploreRuntime.MAX_LAG_NS) {
              problems.add(dev + " started at " + rt.now());
            }
            started[me] = true;
            rt.point("work");
            rt.point("more work");
          }), due);
        }
        Actor watchdog = rt.newActor("watchdog", Actor.Kind.TASK, -1);
        boolean[] late = new boolean[1];
        rt.schedule(Event.of(watchdog, () -> late[0] = !started[1]), 25);
        // A timeout at 25: when it fires, everything due at 10 and 20 has started.
        boolean[] timedOut = new boolean[1];
        Actor waiter = rt.newActor("waiter", Actor.Kind.TASK, -1);
        rt.schedule(Event.of(waiter, () -> {
          rt.waitUntil("never", () -> false, 25);
          timedOut[0] = true;
          if (!started[0] || !started[1]) {
            problems.add("timeout fired at " + rt.now() + " before due work started: " + java.util.Arrays.toString(started));
          }
        }), 0);
        rt.runToQuiescence();
        assertThat(problems).as("schedule %d", i).isEmpty();
        assertThat(timedOut[0]).isTrue();
        overtaken |= late[0];
      }
    }
    assertThat(overtaken).as("a later event overtook one that had not started, within the lag").isTrue();
  }

  /** A task on a CPU that takes interrupt after interrupt still starts its work within the lag. */
  @Test
  void aTaskOnABusyCpuStartsItsWorkWithinTheLag() {
    for (String strategy : List.of("random", "delay", "pos")) {
      for (int i = 0; i < 20; i++) {
        try (ExploreRuntime rt = ExploreRuntime.forSchedule(new ScheduleId(strategy, 3, i))) {
          FakeCpu port = new FakeCpu(rt);
          rt.attachCpus(port);
          port.cpuActor = rt.newActor("cpu0", Actor.Kind.CPU, 0);
          Actor task = rt.newActor("task", Actor.Kind.TASK, 0);
          Actor dev = rt.newActor("dev", Actor.Kind.DEVICE, -1);
          long[] startedAt = {-1};
          rt.schedule(Event.of(task, () -> {
            startedAt[0] = rt.now();
            rt.point("work");
          }), 1_000);
          for (int k = 0; k < 2_000; k++) {
            rt.schedule(Event.of(dev, () -> {
              port.pending++;
              rt.interruptRaised(0);
              rt.point("raised");
            }), k * 500L);
          }
          rt.runToQuiescence();
          assertThat(port.violations).isEmpty();
          assertThat(startedAt[0]).as("%s:3:%d", strategy, i).isBetween(1_000L, 1_000L + ExploreRuntime.MAX_LAG_NS);
        }
      }
    }
  }

  @Test
  void runUntilStopsAtTheLimitAndClockEventsRunInline() {
    try (ExploreRuntime rt = ExploreRuntime.forSchedule(new ScheduleId("random", 1, 0))) {
      Actor dev = rt.newActor("dev", Actor.Kind.DEVICE, -1);
      List<String> seen = new ArrayList<>();
      rt.schedule(Event.of(dev, () -> seen.add("dev@" + rt.now())), 10);
      rt.schedule(Event.of(dev, () -> seen.add("dev@" + rt.now())), 30);
      rt.schedule(Event.of(rt.clock(), () -> seen.add(rt.current().name() + "@" + rt.now())), 20);
      rt.runUntil(25);
      assertThat(rt.now()).isEqualTo(25);
      assertThat(seen).containsExactlyInAnyOrder("dev@10", "clock@20");
      rt.runToQuiescence();
      assertThat(seen).contains("dev@30");
      assertThat(rt.idle()).isTrue();
    }
  }

  @Test
  void exceptionInAnActorSurfacesFromRun() {
    try (ExploreRuntime rt = ExploreRuntime.forSchedule(new ScheduleId("random", 1, 0))) {
      Actor ok = rt.newActor("ok", Actor.Kind.TASK, -1);
      Actor bad = rt.newActor("bad", Actor.Kind.DEVICE, -1);
      rt.schedule(Event.of(ok, () -> {
        for (int i = 0; i < 10; i++) {
          rt.point("busy");
        }
      }), 0);
      rt.schedule(Event.of(bad, () -> {
        rt.point("before");
        throw new IllegalStateException("boom");
      }), 0);
      assertThatThrownBy(rt::runToQuiescence)
          .isInstanceOf(ActorFailureException.class)
          .hasMessageContaining("actor bad failed")
          .hasRootCauseInstanceOf(IllegalStateException.class)
          .hasRootCauseMessage("boom")
          .satisfies(e -> assertThat(((ActorFailureException) e).actorName()).isEqualTo("bad"));
      // The schedule is dead: it keeps reporting the same failure.
      assertThatThrownBy(rt::runToQuiescence).hasMessageContaining("boom");
    }
  }

  @Test
  void exceptionsInHandlersAndWaitConditionsSurfaceToo() {
    try (ExploreRuntime rt = ExploreRuntime.forSchedule(new ScheduleId("random", 1, 0))) {
      rt.newActor("cpu0", Actor.Kind.CPU, 0);
      rt.attachCpus(new CpuPort() {
        @Override
        public boolean canTakeInterrupt(int cpu) {
          return true;
        }

        @Override
        public void takeInterrupt(int cpu) {
          throw new UnsupportedOperationException("no handler for vector 0x31");
        }
      });
      assertThatThrownBy(rt::runToQuiescence)
          .isInstanceOf(ActorFailureException.class)
          .hasMessageContaining("actor cpu0 failed")
          .hasMessageContaining("no handler for vector 0x31");
    }
    try (ExploreRuntime rt = ExploreRuntime.forSchedule(new ScheduleId("random", 1, 0))) {
      Actor t = rt.newActor("waiter", Actor.Kind.TASK, -1);
      rt.schedule(Event.of(t, () -> rt.waitUntil("never", () -> {
        throw new ArithmeticException("bad condition");
      })), 0);
      assertThatThrownBy(rt::runToQuiescence).hasMessageContaining("actor waiter failed")
          .hasRootCauseInstanceOf(ArithmeticException.class);
    }
  }

  @Test
  void endlessPointsHitTheStepBound() {
    try (ExploreRuntime rt = new ExploreRuntime(1, new RandomStrategy(1), 1000)) {
      Actor t = rt.newActor("spinner", Actor.Kind.TASK, -1);
      rt.schedule(Event.of(t, () -> {
        while (true) {
          rt.point("spin");
        }
      }), 0);
      assertThatThrownBy(rt::runToQuiescence)
          .isInstanceOf(ExecException.class)
          .hasMessageContaining("step bound exceeded")
          .hasMessageContaining("spinner at 'spin'");
      assertThat(rt.steps()).isEqualTo(1000);
    }
  }

  @Test
  void waitUntilReturnsOnlyWhenItsConditionHolds() {
    for (int i = 0; i < 50; i++) {
      try (ExploreRuntime rt = ExploreRuntime.forSchedule(new ScheduleId("pct-2-20", 2, i))) {
        int[] tokens = {0};
        List<String> problems = new ArrayList<>();
        Actor producer = rt.newActor("producer", Actor.Kind.DEVICE, -1);
        rt.schedule(Event.of(producer, () -> {
          for (int k = 0; k < 3; k++) {
            tokens[0]++;
            rt.point("produced");
          }
        }), 0);
        for (int c = 0; c < 3; c++) {
          Actor consumer = rt.newActor("consumer" + c, Actor.Kind.TASK, -1);
          rt.schedule(Event.of(consumer, () -> {
            rt.waitUntil("token", () -> tokens[0] > 0);
            if (tokens[0] <= 0) {
              problems.add("woke without a token");
            }
            tokens[0]--;
          }), 0);
        }
        rt.runToQuiescence();
        assertThat(problems).isEmpty();
        assertThat(tokens[0]).isZero();
      }
    }
  }

  static long explorerThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith(ExploreRuntime.THREAD_PREFIX) && t.isAlive())
        .count();
  }

  @Test
  void noActorThreadOutlivesItsSchedule() {
    long before = explorerThreads();
    int threadsBefore = Thread.activeCount();
    int failures = 0;
    for (int i = 0; i < 100; i++) {
      ScheduleId id = new ScheduleId("random", 13, i);
      // Deadlocking schedules leave threads suspended mid-work; close must unwind them too.
      Explorer.Result r = Explorer.run(id, RaceFindingTest::abba);
      failures += r.failed() ? 1 : 0;
      ExploreRuntime rt = ExploreRuntime.forSchedule(id);
      FakeCpu port = irqModel(rt, false);
      rt.runUntil(15);
      assertThat(port.taken + port.pending).isPositive();
      rt.close();
      rt.close(); // idempotent
      assertThat(explorerThreads()).as("after schedule %d", i).isEqualTo(before);
    }
    assertThat(failures).as("deadlocked schedules among them").isPositive();
    assertThat(Thread.activeCount()).isLessThanOrEqualTo(threadsBefore + 2);
  }

  @Test
  void interruptingTheCallerStopsTheScheduleAtItsNextDecision() {
    Thread caller = Thread.currentThread();
    try (ExploreRuntime rt = new ExploreRuntime(1, new RandomStrategy(1), Long.MAX_VALUE)) {
      Actor t = rt.newActor("spinner", Actor.Kind.TASK, -1);
      rt.schedule(Event.of(t, () -> {
        caller.interrupt();
        while (true) {
          rt.point("spin");
        }
      }), 0);
      assertThatThrownBy(rt::runToQuiescence).hasMessageContaining("interrupted");
      assertThat(Thread.interrupted()).isTrue();
    }
  }

  @Test
  void closedRuntimeRefusesToRun() {
    ExploreRuntime rt = ExploreRuntime.forSchedule(new ScheduleId("random", 1, 0));
    rt.close();
    assertThatThrownBy(rt::runToQuiescence).isInstanceOf(IllegalStateException.class);
  }
}
