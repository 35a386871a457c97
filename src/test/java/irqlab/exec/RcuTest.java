package irqlab.exec;

import static irqlab.exec.BlockingPrimitivesTest.each;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * RCU and SRCU in both runtimes (kernel/rcu/srcutree.c, tree.c semantics): synchronize waits for
 * exactly the read-side sections that began before it, callbacks run after such a grace period,
 * one srcu_struct's readers do not hold up another's, and hard interrupts are RCU readers. Run
 * mode is checked to the nanosecond; explore mode over random and PCT schedules, where readers and
 * writers interleave at every lock, unlock and synchronize.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RcuTest {
  @ParameterizedTest
  @EnumSource(BlockingPrimitivesTest.Mode.class)
  void synchronizeSrcuWaitsForTheReaderThatBeganBefore(BlockingPrimitivesTest.Mode mode) {
    each(mode, rt -> {
      Srcu s = new Srcu(rt.exec(), "vmd0 vector 1");
      Actor reader = rt.task("reader", 1);
      Actor writer = rt.task("writer", 0);
      boolean[] readerDone = new boolean[1];
      boolean[] inSectionAtSync = new boolean[1];
      long[] returned = {-1};
      boolean[] sawDone = new boolean[1];
      rt.at(reader, 0, () -> {
        int idx = s.readLock();
        rt.exec().sleep(1_000);
        readerDone[0] = true;
        s.readUnlock(idx);
      });
      rt.at(writer, 100, () -> {
        inSectionAtSync[0] = s.readers() == 1;
        s.synchronize();
        returned[0] = rt.exec().now();
        sawDone[0] = readerDone[0];
      });
      rt.runToQuiescence();
      // Whenever the reader was inside at the call, synchronize returned only after it left.
      if (inSectionAtSync[0]) {
        assertThat(sawDone[0]).isTrue();
      }
      if (!rt.exploring()) {
        assertThat(inSectionAtSync[0]).isTrue();
        assertThat(returned[0]).isEqualTo(1_000);
      }
      assertThat(s.synchronizes()).isEqualTo(1);
      assertThat(s.readers()).isZero();
    });
  }

  @ParameterizedTest
  @EnumSource(BlockingPrimitivesTest.Mode.class)
  void synchronizeDoesNotWaitForReadersThatBeganAfterIt(BlockingPrimitivesTest.Mode mode) {
    each(mode, rt -> {
      Srcu s = new Srcu(rt.exec(), "s");
      Actor early = rt.task("early", 1);
      Actor late = rt.task("late", 2);
      Actor writer = rt.task("writer", 0);
      List<String> log = new ArrayList<>();
      rt.at(early, 0, () -> {
        int idx = s.readLock();
        rt.exec().sleep(1_000);
        log.add("early out");
        s.readUnlock(idx);
      });
      rt.at(writer, 100, () -> {
        s.synchronize();
        log.add("synchronized");
      });
      // Begins after the writer's call (in run mode) and stays in its section far longer.
      rt.at(late, 200, () -> {
        int idx = s.readLock();
        rt.exec().sleep(100_000);
        log.add("late out");
        s.readUnlock(idx);
      });
      rt.runToQuiescence();
      assertThat(log).contains("synchronized", "early out", "late out");
      if (!rt.exploring()) {
        assertThat(log).containsExactly("early out", "synchronized", "late out");
      }
    });
  }

  @ParameterizedTest
  @EnumSource(BlockingPrimitivesTest.Mode.class)
  void callbacksRunAfterTheGracePeriodOfTheirCall(BlockingPrimitivesTest.Mode mode) {
    each(mode, rt -> {
      Rcu rcu = new Rcu(rt.exec());
      Actor reader = rt.task("reader", 1);
      Actor writer = rt.task("writer", 0);
      List<String> log = new ArrayList<>();
      boolean[] readerIn = new boolean[1];
      rt.at(reader, 0, () -> {
        rcu.readLock();
        readerIn[0] = true;
        rt.exec().sleep(500);
        log.add("reader out");
        readerIn[0] = false;
        rcu.readUnlock();
      });
      rt.at(writer, 100, () -> {
        boolean inside = readerIn[0];
        rcu.call(() -> log.add("callback" + (inside ? " after a reader" : "")));
        log.add("call_rcu returned");
      });
      rt.runToQuiescence();
      assertThat(rcu.pendingCallbacks()).isZero();
      int cb = indexStartingWith(log, "callback");
      assertThat(cb).isNotNegative();
      if (log.get(cb).endsWith("after a reader")) {
        assertThat(log.indexOf("reader out")).isLessThan(cb);
      }
      if (!rt.exploring()) {
        assertThat(log).containsExactly("call_rcu returned", "reader out", "callback after a reader");
      }
    });
  }

  @ParameterizedTest
  @EnumSource(BlockingPrimitivesTest.Mode.class)
  void oneSrcuStructsReadersDoNotHoldUpAnother(BlockingPrimitivesTest.Mode mode) {
    each(mode, rt -> {
      Srcu a = new Srcu(rt.exec(), "a");
      Srcu b = new Srcu(rt.exec(), "b");
      Actor reader = rt.task("reader", 1);
      Actor writer = rt.task("writer", 0);
      long[] returned = {-1};
      rt.at(reader, 0, () -> {
        int idx = a.readLock();
        rt.exec().sleep(1_000_000);
        a.readUnlock(idx);
      });
      rt.at(writer, 100, () -> {
        b.synchronize();
        returned[0] = rt.exec().now();
      });
      rt.runToQuiescence();
      // In explore mode started work may be overtaken by the clock, so only run mode has a time.
      assertThat(returned[0]).isNotNegative();
      assertThat(b.synchronizes()).isEqualTo(1);
      if (!rt.exploring()) {
        assertThat(returned[0]).isEqualTo(100);
      }
    });
  }

  @ParameterizedTest
  @EnumSource(BlockingPrimitivesTest.Mode.class)
  void aHardInterruptIsAnRcuReader(BlockingPrimitivesTest.Mode mode) {
    each(mode, rt -> {
      Rcu rcu = new Rcu(rt.exec());
      Actor cpu = rt.task("in-irq", 1);
      Actor writer = rt.task("writer", 0);
      List<String> log = new ArrayList<>();
      rt.at(cpu, 0, () -> {
        rcu.irqEnter();
        rt.exec().sleep(300);
        log.add("irq exit");
        rcu.irqExit();
      });
      rt.at(writer, 10, () -> {
        boolean waited = rcu.readers() > 0;
        rcu.synchronize();
        log.add(waited ? "synchronized after the irq" : "synchronized");
      });
      rt.runToQuiescence();
      if (log.contains("synchronized after the irq")) {
        assertThat(log).containsExactly("irq exit", "synchronized after the irq");
      }
      if (!rt.exploring()) {
        assertThat(log).containsExactly("irq exit", "synchronized after the irq");
      }
    });
  }

  @ParameterizedTest
  @EnumSource(BlockingPrimitivesTest.Mode.class)
  void synchronizeMightSleepAndRefusesItsOwnSection(BlockingPrimitivesTest.Mode mode) {
    each(mode, rt -> {
      List<String> sleeps = new ArrayList<>();
      rt.exec().setMightSleep(sleeps::add);
      Srcu s = new Srcu(rt.exec(), "v");
      Actor task = rt.task("t", 0);
      String[] error = new String[1];
      rt.at(task, 0, () -> {
        s.synchronize();
        int idx = s.readLock();
        try {
          s.synchronize();
        } catch (ExecException e) {
          error[0] = e.getMessage();
        }
        s.readUnlock(idx);
      });
      rt.runToQuiescence();
      assertThat(sleeps).containsExactly("synchronize_srcu(v)", "synchronize_srcu(v)");
      assertThat(error[0]).contains("synchronize_srcu(v) inside its own read-side section");
    });
  }

  private static int indexStartingWith(List<String> log, String prefix) {
    for (int i = 0; i < log.size(); i++) {
      if (log.get(i).startsWith(prefix)) {
        return i;
      }
    }
    return -1;
  }
}
