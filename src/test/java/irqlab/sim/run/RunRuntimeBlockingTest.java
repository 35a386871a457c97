package irqlab.sim.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import irqlab.exec.Actor;
import irqlab.exec.CpuPort;
import irqlab.exec.Event;
import irqlab.exec.ExecException;
import irqlab.exec.Mutex;
import irqlab.exec.RawSpinLock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Run mode's blocking tasks: parking, resuming in order, deadlocks, interrupts, threads. */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RunRuntimeBlockingTest {
  private static void at(RunRuntime rt, Actor a, long t, Runnable r) {
    rt.schedule(Event.of(a, r), t);
  }

  static long liveRunThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith(RunRuntime.THREAD_PREFIX))
        .count();
  }

  @Test
  void aTaskWaitingForeverWithNothingLeftIsADeadlock() {
    try (RunRuntime rt = new RunRuntime(1)) {
      Actor task = rt.newActor("kworker/0", Actor.Kind.TASK, 0);
      at(rt, task, 5, () -> rt.waitUntil("ims command 7", () -> false));
      assertThatThrownBy(rt::runToQuiescence)
          .isInstanceOf(ExecException.class)
          .hasMessageContaining("deadlock at t=5")
          .hasMessageContaining("kworker/0 waits for 'ims command 7'");
      assertThat(rt.blockedTasks()).containsExactly(task);
      assertThat(rt.liveThreads()).isEqualTo(1);
    }
  }

  @Test
  void abbaOnTwoMutexesIsADeadlockNamingBothTasks() {
    try (RunRuntime rt = new RunRuntime(1)) {
      Mutex a = new Mutex(rt, "a");
      Mutex b = new Mutex(rt, "b");
      Actor t1 = rt.newActor("t1", Actor.Kind.TASK, 0);
      Actor t2 = rt.newActor("t2", Actor.Kind.TASK, 1);
      at(rt, t1, 0, () -> {
        a.lock();
        rt.sleep(10);
        b.lock();
      });
      at(rt, t2, 0, () -> {
        b.lock();
        rt.sleep(10);
        a.lock();
      });
      assertThatThrownBy(rt::runToQuiescence)
          .hasMessageContaining("t1 waits for 'mutex_lock(b)'")
          .hasMessageContaining("t2 waits for 'mutex_lock(a)'");
    }
  }

  @Test
  void aDeviceCannotParkItSpinsWhileTheOthersGoOn() {
    try (RunRuntime rt = new RunRuntime(1)) {
      Actor dev = rt.newActor("dev", Actor.Kind.DEVICE, -1);
      Actor other = rt.newActor("other", Actor.Kind.DEVICE, -1);
      List<String> log = new ArrayList<>();
      at(rt, dev, 0, () -> {
        boolean r = rt.waitUntil("ready", () -> true, 100); // need not wait at all
        log.add("ready " + r + "@" + rt.now());
        r = rt.waitUntil("never", () -> false, 100);
        log.add("never " + r + "@" + rt.now());
      });
      at(rt, dev, 50, () -> log.add("dev busy until its wait ends, then@" + rt.now()));
      at(rt, other, 60, () -> log.add("other@" + rt.now()));
      rt.runToQuiescence();
      assertThat(log).containsExactly(
          "ready true@0", "other@60", "never false@100", "dev busy until its wait ends, then@100");
    }
    try (RunRuntime rt = new RunRuntime(1)) {
      Actor dev = rt.newActor("dev", Actor.Kind.DEVICE, -1);
      at(rt, dev, 0, () -> rt.waitUntil("x", () -> false));
      assertThatThrownBy(rt::runToQuiescence)
          .isInstanceOf(ExecException.class)
          .hasMessageContaining("dev spins forever on 'x' at t=0: no event is left");
    }
  }

  /** Two CPUs; a device raises interrupts on CPU 1, whose handler takes a raw spinlock. */
  static final class TwoCpus implements CpuPort {
    final int[] pending = new int[2];
    Runnable handler = () -> {};

    @Override
    public boolean canTakeInterrupt(int cpu) {
      return pending[cpu] > 0;
    }

    @Override
    public void takeInterrupt(int cpu) {
      pending[cpu]--;
      handler.run();
    }
  }

  @Test
  void aHandlerSpinningOnALockHeldByABlockedTaskWaitsWhileTheWorldGoesOn() {
    try (RunRuntime rt = new RunRuntime(1)) {
      TwoCpus cpus = new TwoCpus();
      rt.attachCpus(cpus);
      rt.newActor("cpu0", Actor.Kind.CPU, 0);
      rt.newActor("cpu1", Actor.Kind.CPU, 1);
      Actor task = rt.newActor("kworker/0", Actor.Kind.TASK, 0);
      Actor dev = rt.newActor("nic", Actor.Kind.DEVICE, -1);
      Actor cmdDev = rt.newActor("ims", Actor.Kind.DEVICE, -1);
      RawSpinLock lock = new RawSpinLock(rt, "desc lock");
      boolean[] cmdDone = new boolean[1];
      List<String> log = new ArrayList<>();
      cpus.handler = () -> {
        lock.lock();
        log.add(rt.current() + " locked@" + rt.now());
        lock.unlock();
      };
      at(rt, task, 0, () -> {
        lock.lock();
        log.add("task locked@" + rt.now());
        // A synchronous device command under the lock: a busy wait, legal in atomic context.
        boolean ok = rt.waitUntil("command", () -> cmdDone[0], 10_000);
        log.add("task command " + ok + "@" + rt.now());
        lock.unlock();
      });
      at(rt, dev, 100, () -> {
        cpus.pending[1]++;
        rt.interruptRaised(1);
        log.add("nic message sent@" + rt.now());
      });
      at(rt, dev, 200, () -> log.add("nic next@" + rt.now()));
      at(rt, cmdDev, 500, () -> cmdDone[0] = true);
      rt.runToQuiescence();
      assertThat(log).containsExactly("task locked@0", "task command true@500", "cpu1 locked@500",
          "nic message sent@500", "nic next@500");
      assertThat(lock.isLocked()).isFalse();
    }
  }

  @Test
  void eventsOfABlockedTaskRunInOrderOnceItIsFree() {
    try (RunRuntime rt = new RunRuntime(1)) {
      Actor task = rt.newActor("kworker/0", Actor.Kind.TASK, 0);
      List<String> log = new ArrayList<>();
      at(rt, task, 0, () -> {
        log.add("1 start@" + rt.now());
        rt.sleep(1_000);
        log.add("1 end@" + rt.now());
      });
      at(rt, task, 200, () -> log.add("2@" + rt.now()));
      at(rt, task, 300, () -> log.add("3@" + rt.now()));
      Actor dev = rt.newActor("dev", Actor.Kind.DEVICE, -1);
      at(rt, dev, 500, () -> log.add("dev@" + rt.now()));
      rt.runToQuiescence();
      assertThat(log).containsExactly("1 start@0", "dev@500", "1 end@1000", "2@1000", "3@1000");
      assertThat(rt.eventsRun()).isEqualTo(5); // four events and the sleep's timer
    }
  }

  /** One CPU whose interrupts a device raises; records when and as whom handlers run. */
  static final class OneCpu implements CpuPort {
    final RunRuntime rt;
    final List<String> log;
    boolean ifOn = true;
    int pending;

    OneCpu(RunRuntime rt, List<String> log) {
      this.rt = rt;
      this.log = log;
    }

    @Override
    public boolean canTakeInterrupt(int cpu) {
      return ifOn && pending > 0;
    }

    @Override
    public void takeInterrupt(int cpu) {
      pending--;
      log.add("irq on " + rt.current() + "@" + rt.now());
    }
  }

  @Test
  void theCpuOfASleepingTaskTakesInterrupts() {
    try (RunRuntime rt = new RunRuntime(1)) {
      List<String> log = new ArrayList<>();
      OneCpu cpu = new OneCpu(rt, log);
      rt.attachCpus(cpu);
      rt.newActor("cpu0", Actor.Kind.CPU, 0);
      Actor task = rt.newActor("kworker/0", Actor.Kind.TASK, 0);
      Actor dev = rt.newActor("dev", Actor.Kind.DEVICE, -1);
      at(rt, task, 0, () -> {
        rt.sleep(1_000);
        log.add("task woke@" + rt.now());
      });
      at(rt, dev, 400, () -> {
        cpu.pending++;
        rt.interruptRaised(0);
      });
      rt.runToQuiescence();
      assertThat(log).containsExactly("irq on cpu0@400", "task woke@1000");
    }
  }

  @Test
  void aTaskBlockedAcrossRunUntilCallsKeepsItsThreadAndResumesLater() {
    try (RunRuntime rt = new RunRuntime(1)) {
      Actor task = rt.newActor("kworker/0", Actor.Kind.TASK, 0);
      Actor dev = rt.newActor("dev", Actor.Kind.DEVICE, -1);
      boolean[] flag = new boolean[1];
      long[] woke = {-1};
      at(rt, task, 0, () -> {
        rt.waitUntil("flag", () -> flag[0]);
        woke[0] = rt.now();
      });
      at(rt, dev, 3_000, () -> flag[0] = true);
      rt.runUntil(1_000);
      assertThat(rt.blockedTasks()).containsExactly(task);
      assertThat(rt.liveThreads()).isEqualTo(1);
      assertThat(rt.now()).isEqualTo(1_000);
      rt.runToQuiescence();
      assertThat(woke[0]).isEqualTo(3_000);
      assertThat(rt.blockedTasks()).isEmpty();
      assertThat(rt.liveThreads()).isZero(); // idle task threads end with the run
    }
  }

  @Test
  void closeUnwindsABlockedTask() {
    RunRuntime rt = new RunRuntime(1);
    Actor task = rt.newActor("kworker/0", Actor.Kind.TASK, 0);
    boolean[] unwound = new boolean[1];
    at(rt, task, 0, () -> {
      try {
        rt.waitUntil("never", () -> false);
      } finally {
        unwound[0] = true;
      }
    });
    assertThatThrownBy(rt::runToQuiescence).hasMessageContaining("deadlock");
    rt.close();
    assertThat(unwound[0]).isTrue();
    assertThat(rt.liveThreads()).isZero();
    rt.close(); // idempotent
    assertThatThrownBy(() -> rt.runUntil(10)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void closeEndsTasksWhoseCodeSwallowsOrReplacesTheUnwinding() {
    RunRuntime rt = new RunRuntime(1);
    Actor swallow = rt.newActor("swallow", Actor.Kind.TASK, 0);
    Actor replace = rt.newActor("replace", Actor.Kind.TASK, 1);
    at(rt, swallow, 0, () -> {
      try {
        rt.waitUntil("never", () -> false);
      } catch (Throwable t) {
        // a model catch-all: must not keep the thread alive
      }
    });
    at(rt, replace, 0, () -> {
      try {
        rt.waitUntil("never", () -> false);
      } finally {
        throw new IllegalStateException("unlock of a lock never taken"); // replaces the unwinding
      }
    });
    assertThatThrownBy(rt::runToQuiescence).hasMessageContaining("deadlock");
    assertThat(rt.liveThreads()).isEqualTo(2);
    rt.close();
    assertThat(rt.liveThreads()).isZero();
  }

  @Test
  void aTaskFailureReachesTheCallerWithItsTypeAndLeavesLaterWorkQueued() {
    try (RunRuntime rt = new RunRuntime(1)) {
      Actor task = rt.newActor("kworker/0", Actor.Kind.TASK, 0);
      List<String> log = new ArrayList<>();
      at(rt, task, 0, () -> {
        rt.sleep(100);
        throw new IllegalArgumentException("driver bug");
      });
      at(rt, task, 50, () -> log.add("next@" + rt.now()));
      assertThatThrownBy(rt::runToQuiescence)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("driver bug");
      rt.runToQuiescence();
      assertThat(log).containsExactly("next@100");
    }
  }

  @Test
  void noThreadLeaksAfterManyRuns() {
    long before = liveRunThreads();
    for (int i = 0; i < 300; i++) {
      RunRuntime rt = new RunRuntime(i);
      Actor a = rt.newActor("a", Actor.Kind.TASK, 0);
      Actor b = rt.newActor("b", Actor.Kind.TASK, 1);
      Mutex m = new Mutex(rt, "m");
      at(rt, a, 0, () -> {
        m.lock();
        rt.sleep(10);
        m.unlock();
      });
      at(rt, b, 1, () -> {
        m.lock();
        m.unlock();
      });
      if (i % 3 == 0) {
        at(rt, b, 2, () -> rt.waitUntil("never", () -> false)); // deadlock: left to close()
        assertThatThrownBy(rt::runToQuiescence).hasMessageContaining("deadlock");
        rt.close();
      } else {
        rt.runToQuiescence(); // not closed: the run ends every idle task thread itself
      }
      assertThat(rt.liveThreads()).isZero();
    }
    assertThat(liveRunThreads()).isEqualTo(before);
  }
}
