package irqlab.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import irqlab.sim.explore.ExploreRuntime;
import irqlab.sim.explore.ScheduleId;
import irqlab.sim.run.RunRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Timed waits, sleep, {@link Mutex} and {@link Completion} in both runtimes. Run mode is checked
 * to the nanosecond; explore mode, where started work may be overtaken, over many schedules for
 * what must hold in every interleaving.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BlockingPrimitivesTest {
  enum Mode {
    RUN,
    EXPLORE
  }

  /** One runtime under test: run mode once, explore mode over random and PCT schedules. */
  record Rt(Exec exec, Runnable run, AutoCloseable closer, boolean exploring) {
    void runToQuiescence() {
      run.run();
    }

    Actor task(String name, int cpu) {
      return exec.newActor(name, Actor.Kind.TASK, cpu);
    }

    Actor device(String name) {
      return exec.newActor(name, Actor.Kind.DEVICE, -1);
    }

    void at(Actor a, long t, Runnable r) {
      exec.schedule(Event.of(a, r), t);
    }
  }

  static final int SCHEDULES = 24;

  static void each(Mode mode, Consumer<Rt> body) {
    if (mode == Mode.RUN) {
      RunRuntime rt = new RunRuntime(1);
      try {
        body.accept(new Rt(rt, rt::runToQuiescence, rt, false));
      } finally {
        rt.close();
      }
      return;
    }
    for (int i = 0; i < SCHEDULES; i++) {
      ScheduleId id = new ScheduleId(i % 2 == 0 ? "random" : "pct-3-60", 5, i);
      try (ExploreRuntime rt = ExploreRuntime.forSchedule(id)) {
        body.accept(new Rt(rt, rt::runToQuiescence, rt, true));
      }
    }
  }

  static String rootMessage(Throwable t) {
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void taskWaitingForADeviceResumesWhenTheDeviceCompletes(Mode mode) {
    each(mode, rt -> {
      Actor task = rt.task("kworker", 0);
      Actor dev = rt.device("dev");
      int[] reg = new int[1];
      boolean[] done = new boolean[1];
      long[] resumedAt = {-1};
      boolean[] ok = new boolean[1];
      int[] seen = new int[1];
      rt.at(task, 0, () -> {
        ok[0] = rt.exec().waitUntil("command", () -> done[0], 10_000);
        resumedAt[0] = rt.exec().now();
        seen[0] = reg[0];
      });
      rt.at(dev, 500, () -> {
        reg[0] = 42;
        done[0] = true;
      });
      rt.runToQuiescence();
      assertThat(ok[0]).isTrue();
      assertThat(seen[0]).isEqualTo(42);
      if (rt.exploring()) {
        // The task may start its wait up to the explorer's lag late; the timeout runs from there.
        assertThat(resumedAt[0]).isBetween(500L, 10_000L + irqlab.sim.explore.ExploreRuntime.MAX_LAG_NS);
      } else {
        assertThat(resumedAt[0]).isEqualTo(500);
        assertThat(rt.exec().now()).isEqualTo(500); // the timer was cancelled
      }
    });
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void timeoutFiresAtExactlyNowPlusTimeout(Mode mode) {
    each(mode, rt -> {
      Actor task = rt.task("kworker", 0);
      List<String> log = new ArrayList<>();
      rt.at(task, 100, () -> {
        boolean ok = rt.exec().waitUntil("never", () -> false, 1_000);
        log.add(ok + "@" + rt.exec().now());
        ok = rt.exec().waitUntil("zero", () -> false, 0);
        log.add(ok + "@" + rt.exec().now());
      });
      rt.runToQuiescence();
      assertThat(log).containsExactly("false@1100", "false@1100");
    });
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void sleepAdvancesOnlyTheSleeper(Mode mode) {
    each(mode, rt -> {
      Actor task = rt.task("kworker", 0);
      Actor dev = rt.device("dev");
      int[] ticks = new int[1];
      List<String> log = new ArrayList<>();
      long[] slept = new long[1];
      rt.at(task, 0, () -> {
        long from = rt.exec().now();
        rt.exec().sleep(5_000);
        slept[0] = rt.exec().now() - from;
        log.add("woke ticks=" + ticks[0]);
      });
      rt.at(dev, 1_000, () -> ticks[0]++);
      rt.at(dev, 2_000, () -> ticks[0]++);
      rt.runToQuiescence();
      // The sleeper sleeps exactly 5 us from when it started (in explore mode up to the lag late).
      assertThat(slept[0]).isEqualTo(5_000);
      assertThat(log).containsExactly("woke ticks=2");
    });
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void mutexMakesTheSecondTaskSleepUntilTheOwnerReleases(Mode mode) {
    each(mode, rt -> {
      Mutex m = new Mutex(rt.exec(), "m");
      Actor a = rt.task("A", 0);
      Actor b = rt.task("B", 1);
      Actor c = rt.task("C", 2);
      List<String> log = new ArrayList<>();
      int[] inside = new int[1];
      Runnable critical = () -> {
        m.lock();
        inside[0]++;
        assertThat(inside[0]).as("owners at once").isEqualTo(1);
        assertThat(m.owner()).isEqualTo(rt.exec().current());
        log.add(rt.exec().current() + " locked@" + rt.exec().now());
        rt.exec().sleep(1_000); // sleeping with a mutex held is fine
        inside[0]--;
        m.unlock();
      };
      rt.at(a, 0, critical);
      rt.at(b, 10, critical);
      rt.at(c, 20, critical);
      rt.runToQuiescence();
      assertThat(m.isLocked()).isFalse();
      assertThat(m.waiters()).isZero();
      assertThat(log).hasSize(3);
      if (!rt.exploring()) {
        // FIFO hand-off: B queued first, so it gets the mutex at A's unlock, then C at B's.
        assertThat(log).containsExactly("A locked@0", "B locked@1000", "C locked@2000");
      }
    });
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void recursiveMutexLockAndForeignUnlockAreBugs(Mode mode) {
    each(mode, rt -> {
      Mutex m = new Mutex(rt.exec(), "m");
      rt.at(rt.task("A", 0), 0, () -> {
        m.lock();
        m.lock();
      });
      assertThatThrownBy(rt::runToQuiescence)
          .satisfies(e -> assertThat(rootMessage(e)).contains("recursive mutex_lock of m by A"));
    });
    each(mode, rt -> {
      Mutex m = new Mutex(rt.exec(), "m");
      rt.at(rt.task("A", 0), 0, m::lock);
      rt.at(rt.task("B", 1), 10, m::unlock);
      assertThatThrownBy(rt::runToQuiescence)
          .satisfies(e -> assertThat(rootMessage(e)).contains("B unlocks mutex m owned by "
              + (rt.exploring() ? "" : "A"))); // explore: B may even come first
    });
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void completionReleasesTheWaiterWhenCompleted(Mode mode) {
    each(mode, rt -> {
      Completion done = new Completion(rt.exec(), "cmd");
      List<String> log = new ArrayList<>();
      rt.at(rt.task("kworker", 0), 0, () -> {
        done.waitForCompletion();
        log.add("done@" + rt.exec().now());
        assertThat(done.completionDone()).isFalse(); // consumed
      });
      rt.at(rt.device("dev"), 300, done::complete);
      rt.runToQuiescence();
      assertThat(log).hasSize(1);
      if (!rt.exploring()) {
        assertThat(log).containsExactly("done@300");
      }
    });
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void completionTimeoutReturnsFalseAtTheDeadline(Mode mode) {
    each(mode, rt -> {
      Completion done = new Completion(rt.exec(), "cmd");
      List<String> log = new ArrayList<>();
      rt.at(rt.task("kworker", 0), 0, () -> {
        boolean first = done.waitForCompletionTimeout(100);
        log.add(first + "@" + rt.exec().now());
        boolean second = done.waitForCompletionTimeout(10_000);
        log.add(second + "@" + rt.exec().now());
      });
      rt.at(rt.device("dev"), 500, done::complete);
      rt.runToQuiescence();
      if (rt.exploring()) {
        // Resumed after the device completed, a timed-out wait still takes the completion, as
        // the kernel's does; a device overtaken mid-complete() may miss both deadlines. Never
        // is the one completion taken twice or lost.
        assertThat(log).hasSize(2);
        long taken = log.stream().filter(l -> l.startsWith("true")).count();
        assertThat(taken + (done.completionDone() ? 1 : 0)).isEqualTo(1);
      } else {
        assertThat(log).containsExactly("false@100", "true@500");
      }
    });
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void completionDoneBeforeTheWaitDoesNotBlockAndCompleteAllReleasesEveryone(Mode mode) {
    each(mode, rt -> {
      Completion early = new Completion(rt.exec(), "early");
      Completion all = new Completion(rt.exec(), "all");
      List<String> log = new ArrayList<>();
      Actor dev = rt.device("dev");
      rt.at(dev, 0, early::complete);
      rt.at(rt.task("A", 0), 10, () -> {
        early.waitForCompletion();
        log.add("A early@" + rt.exec().now());
        all.waitForCompletion();
        log.add("A all@" + rt.exec().now());
      });
      rt.at(rt.task("B", 1), 20, () -> {
        all.waitForCompletion();
        log.add("B all@" + rt.exec().now());
      });
      rt.at(dev, 700, all::completeAll);
      rt.runToQuiescence();
      assertThat(log).hasSize(3);
      assertThat(all.completionDone()).isTrue();
      assertThat(early.tryWaitForCompletion()).isFalse();
      if (!rt.exploring()) {
        assertThat(log).containsExactly("A early@10", "A all@700", "B all@700");
      }
    });
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void sameSeedGivesTheSameTrace(Mode mode) {
    List<List<String>> traces = new ArrayList<>();
    for (int run = 0; run < 2; run++) {
      List<String> all = new ArrayList<>();
      each(mode, rt -> all.addAll(contendedModel(rt)));
      traces.add(all);
    }
    assertThat(traces.get(0)).hasSizeGreaterThan(12);
    assertThat(traces.get(1)).isEqualTo(traces.get(0));
  }

  /** Two tasks share a mutex and wait for a device's random completions; returns the trace. */
  static List<String> contendedModel(Rt rt) {
    Exec x = rt.exec();
    List<String> trace = new ArrayList<>();
    Mutex m = new Mutex(x, "m");
    Completion c = new Completion(x, "c");
    Actor dev = rt.device("dev");
    long t = 0;
    for (int i = 0; i < 6; i++) {
      t += 1 + x.random().nextInt(400);
      rt.at(dev, t, () -> {
        trace.add(x.now() + " dev complete");
        c.complete();
      });
    }
    for (String name : List.of("A", "B")) {
      Actor task = rt.task(name, name.equals("A") ? 0 : 1);
      rt.at(task, x.random().nextInt(50), () -> {
        for (int i = 0; i < 3; i++) {
          m.lock();
          trace.add(x.now() + " " + name + " locked");
          boolean got = c.waitForCompletionTimeout(100 + x.random().nextInt(300));
          trace.add(x.now() + " " + name + " completion " + got);
          m.unlock();
          x.sleep(x.random().nextInt(100));
        }
      });
    }
    rt.runToQuiescence();
    if (x instanceof ExploreRuntime e) {
      trace.add(e.decisionLog());
    }
    return trace;
  }
}
