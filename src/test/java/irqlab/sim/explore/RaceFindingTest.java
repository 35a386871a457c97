package irqlab.sim.explore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import irqlab.exec.Actor;
import irqlab.exec.Event;
import irqlab.exec.Exec;
import irqlab.exec.ExecException;
import irqlab.exec.RawSpinLock;
import irqlab.sim.run.RunRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RaceFindingTest {
  static final class Counter {
    int x;
  }

  /** Two tasks increment x with a scheduling point between read and write. */
  static Counter lostUpdate(Exec exec, boolean locked) {
    Counter c = new Counter();
    RawSpinLock lock = new RawSpinLock(exec, "x_lock");
    for (String name : List.of("t0", "t1")) {
      Actor a = exec.newActor(name, Actor.Kind.TASK, -1);
      exec.schedule(
          Event.of(
              a,
              () -> {
                if (locked) {
                  lock.lock();
                }
                int v = c.x;
                exec.point("read x");
                c.x = v + 1;
                exec.point("write x");
                if (locked) {
                  lock.unlock();
                }
              }),
          0);
    }
    return c;
  }

  @Test
  void sequentialRunModeNeverLosesTheUpdate() {
    RunRuntime run = new RunRuntime(1);
    Counter c = lostUpdate(run, false);
    run.runToQuiescence();
    assertThat(c.x).isEqualTo(2);
  }

  @Test
  void randomWalkFindsTheLostUpdateAndItsIdReplays() {
    ScheduleId found = null;
    String foundLog = null;
    int good = 0;
    for (int i = 0; i < 100 && found == null; i++) {
      ScheduleId id = new ScheduleId("random", 7, i);
      try (ExploreRuntime rt = ExploreRuntime.forSchedule(id)) {
        Counter c = lostUpdate(rt, false);
        rt.runToQuiescence();
        if (c.x == 1) {
          found = id;
          foundLog = rt.decisionLog();
        } else {
          good++;
        }
      }
    }
    assertThat(found).as("a schedule losing the update").isNotNull();
    assertThat(good).as("schedules before it that did not lose it").isPositive();

    ScheduleId replay = ScheduleId.parse(found.toString());
    try (ExploreRuntime rt = ExploreRuntime.forSchedule(replay)) {
      Counter c = lostUpdate(rt, false);
      rt.runToQuiescence();
      assertThat(c.x).isEqualTo(1);
      assertThat(rt.decisionLog()).isEqualTo(foundLog);
    }
  }

  @Test
  void spinlockProtectedIncrementNeverLosesTheUpdate() {
    for (int i = 0; i < 200; i++) {
      try (ExploreRuntime rt = ExploreRuntime.forSchedule(new ScheduleId("random", 7, i))) {
        Counter c = lostUpdate(rt, true);
        rt.runToQuiescence();
        assertThat(c.x).as("schedule %d", i).isEqualTo(2);
      }
    }
  }

  /**
   * A depth-2 bug: the reader must run exactly between the writer's set and clear, which needs
   * one priority change in the writer's middle.
   */
  static Explorer.Scenario windowBug() {
    return rt -> {
      boolean[] flag = new boolean[1];
      boolean[] seen = new boolean[1];
      Actor writer = rt.newActor("writer", Actor.Kind.TASK, -1);
      Actor reader = rt.newActor("reader", Actor.Kind.TASK, -1);
      rt.schedule(
          Event.of(
              writer,
              () -> {
                flag[0] = true;
                rt.point("set");
                flag[0] = false;
                rt.point("clear");
              }),
          0);
      rt.schedule(
          Event.of(
              reader,
              () -> {
                seen[0] |= flag[0];
                rt.point("check");
              }),
          0);
      rt.runToQuiescence();
      if (seen[0]) {
        throw new AssertionError("reader saw the transient flag");
      }
    };
  }

  @Test
  void pctDepthTwoFindsADepthTwoBugThatDepthOneCannot() {
    assertThat(Explorer.findFailure("pct-1-10", 3, 200, windowBug())).isEmpty();
    Optional<Explorer.Result> hit = Explorer.findFailure("pct-2-10", 3, 200, windowBug());
    assertThat(hit).isPresent();
    assertThat(hit.get().failure()).hasMessageContaining("transient flag");
    Explorer.Result again = Explorer.run(hit.get().id(), windowBug());
    assertThat(again.failed()).isTrue();
    assertThat(again.decisionLog()).isEqualTo(hit.get().decisionLog());
  }

  /** A model with locks, randomness, timed events and interrupts, traced in order. */
  static List<String> busyModel(ExploreRuntime rt) {
    List<String> trace = new ArrayList<>();
    RawSpinLock a = new RawSpinLock(rt, "a");
    RawSpinLock b = new RawSpinLock(rt, "b");
    for (int t = 0; t < 4; t++) {
      Actor task = rt.newActor("task" + t, Actor.Kind.TASK, t % 2);
      RawSpinLock first = t % 2 == 0 ? a : b;
      for (int k = 0; k < 3; k++) {
        long at = rt.random().nextLong(100);
        rt.schedule(
            Event.of(
                task,
                () -> {
                  first.lock();
                  trace.add(task.name() + " in " + first.name() + " at " + rt.now());
                  rt.point("work");
                  first.unlock();
                  trace.add(task.name() + " rolled " + rt.random().nextInt(1000));
                }),
            at);
      }
    }
    rt.runToQuiescence();
    return trace;
  }

  @Test
  void sameIdGivesTheSameDecisionsAndTheSameModelBehaviour() {
    List<String> logs = new ArrayList<>();
    for (String strategy : List.of("random", "pct-3-1000", "pos", "delay")) {
      for (int i = 0; i < 5; i++) {
        ScheduleId id = new ScheduleId(strategy, 99, i);
        String log1;
        List<String> trace1;
        try (ExploreRuntime rt = ExploreRuntime.forSchedule(id)) {
          trace1 = busyModel(rt);
          log1 = rt.decisionLog();
        }
        try (ExploreRuntime rt = ExploreRuntime.forSchedule(ScheduleId.parse(id.toString()))) {
          assertThat(busyModel(rt)).isEqualTo(trace1);
          assertThat(rt.decisionLog()).isEqualTo(log1);
        }
        logs.add(log1);
      }
    }
    assertThat(logs.stream().distinct().count()).as("different ids explore differently").isGreaterThan(10);
  }

  /** Two tasks take two locks in opposite order. */
  static void abba(ExploreRuntime rt) {
    RawSpinLock a = new RawSpinLock(rt, "A");
    RawSpinLock b = new RawSpinLock(rt, "B");
    Actor t0 = rt.newActor("t0", Actor.Kind.TASK, 0);
    Actor t1 = rt.newActor("t1", Actor.Kind.TASK, 1);
    rt.schedule(Event.of(t0, () -> {
      a.lock();
      b.lock();
      b.unlock();
      a.unlock();
    }), 0);
    rt.schedule(Event.of(t1, () -> {
      b.lock();
      a.lock();
      a.unlock();
      b.unlock();
    }), 0);
    rt.runToQuiescence();
  }

  @Test
  void lockOrderInversionIsReportedAsADeadlock() {
    Optional<Explorer.Result> hit = Explorer.findFailure("random", 5, 200, RaceFindingTest::abba);
    assertThat(hit).isPresent();
    assertThat(hit.get().failure())
        .isInstanceOf(DeadlockException.class)
        .hasMessageContaining("deadlock");
    // A hang of the modelled code is a finding of its own kind, not a model error.
    assertThat(irqlab.sim.Exploration.kindsOf(hit.get().failure())).containsExactly("deadlock");
    assertThat(hit.get().failure().getMessage())
        .containsPattern("t0 waits for '[^']*B'")
        .containsPattern("t1 waits for '[^']*A'");
    try (ExploreRuntime rt = ExploreRuntime.forSchedule(hit.get().id())) {
      assertThatThrownBy(() -> abba(rt)).hasMessageContaining("deadlock");
    }
  }
}
