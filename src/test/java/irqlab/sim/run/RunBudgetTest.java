package irqlab.sim.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import irqlab.exec.Actor;
import irqlab.exec.Event;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Run mode's work budget: events and virtual time, checked in the loop and in nested waits. */
class RunBudgetTest {
  /** An event that reschedules itself every {@code gap} ns for ever. */
  private static Event forever(RunRuntime rt, Actor a, long gap, long[] ran) {
    return new Event(a) {
      @Override
      public void run() {
        ran[0]++;
        rt.schedule(this, rt.now() + gap);
      }
    };
  }

  @Test
  void theEventBudgetRunsExactlyThatManyEvents() {
    try (RunRuntime rt = new RunRuntime(1)) {
      long[] ran = {0};
      rt.schedule(forever(rt, rt.newActor("dev", Actor.Kind.DEVICE, -1), 10, ran), 0);
      rt.setBudget(new RunBudget(1234, 0));
      BudgetExceeded e = catchThrowableOfType(BudgetExceeded.class, rt::runToQuiescence);
      assertThat(e.limit()).isEqualTo(BudgetExceeded.Limit.EVENTS);
      assertThat(e.max()).isEqualTo(1234);
      assertThat(ran[0]).isEqualTo(1234);
      assertThat(rt.eventsRun()).isEqualTo(1234);
      assertThat(e.nowNs()).isEqualTo(1233 * 10);
      assertThat(e.nextNs()).isEqualTo(1234 * 10);
    }
  }

  @Test
  void theTimeBudgetStopsBeforeTheFirstLaterEvent() {
    try (RunRuntime rt = new RunRuntime(1)) {
      long[] ran = {0};
      rt.schedule(forever(rt, rt.newActor("dev", Actor.Kind.DEVICE, -1), 7, ran), 0);
      rt.setBudget(new RunBudget(0, 100));
      BudgetExceeded e = catchThrowableOfType(BudgetExceeded.class, rt::runToQuiescence);
      assertThat(e.limit()).isEqualTo(BudgetExceeded.Limit.TIME);
      // Events at 0, 7, ..., 98 ran; the one at 105 did not.
      assertThat(ran[0]).isEqualTo(15);
      assertThat(rt.now()).isEqualTo(98);
      assertThat(e.nextNs()).isEqualTo(105);
    }
  }

  @Test
  void aRunWithinItsBudgetEndsNormallyAndAnEarlierStopTimeIsNoStop() {
    try (RunRuntime rt = new RunRuntime(1)) {
      Actor a = rt.newActor("dev", Actor.Kind.DEVICE, -1);
      for (int i = 0; i < 10; i++) {
        rt.schedule(Event.of(a, () -> {}), i * 10L);
      }
      rt.setBudget(new RunBudget(10, 90));
      rt.runUntil(50); // stops at 50 by request, not by budget
      assertThat(rt.now()).isEqualTo(50);
      rt.runToQuiescence(); // exactly 10 events, the last at 90: both limits just hold
      assertThat(rt.eventsRun()).isEqualTo(10);
      assertThat(rt.idle()).isTrue();
    }
  }

  @Test
  void theBudgetHoldsInsideANestedWait() {
    // A CPU busy-waits on a condition nothing makes true while a device storms: the wait runs
    // the loop nested, and the budget must end it there too.
    try (RunRuntime rt = new RunRuntime(1)) {
      long[] ran = {0};
      Actor cpu = rt.newActor("cpu0", Actor.Kind.CPU, 0);
      rt.schedule(forever(rt, rt.newActor("dev", Actor.Kind.DEVICE, -1), 1, ran), 0);
      rt.schedule(Event.of(cpu, () -> rt.waitUntil("never", () -> false)), 5);
      rt.setBudget(new RunBudget(500, 0));
      BudgetExceeded e = catchThrowableOfType(BudgetExceeded.class, rt::runToQuiescence);
      assertThat(e.limit()).isEqualTo(BudgetExceeded.Limit.EVENTS);
      assertThat(rt.eventsRun()).isEqualTo(500);
    }
  }

  @Test
  void progressIsReportedEveryMillionEventsOrSo() {
    try (RunRuntime rt = new RunRuntime(1)) {
      long[] ran = {0};
      rt.schedule(forever(rt, rt.newActor("dev", Actor.Kind.DEVICE, -1), 1, ran), 0);
      List<Long> seen = new ArrayList<>();
      rt.setProgress((events, now) -> seen.add(events));
      rt.setBudget(new RunBudget(3 * RunRuntime.PROGRESS_EVERY + 5, 0));
      catchThrowableOfType(BudgetExceeded.class, rt::runToQuiescence);
      long p = RunRuntime.PROGRESS_EVERY;
      assertThat(seen).containsExactly(p, 2 * p, 3 * p);
    }
  }

  @Test
  void zeroMeansNoLimitAndNegativeIsRefused() {
    RunBudget b = new RunBudget(0, 0);
    assertThat(b.maxEvents()).isEqualTo(Long.MAX_VALUE);
    assertThat(b.maxTimeNs()).isEqualTo(Long.MAX_VALUE);
    assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> new RunBudget(-1, 0))).isNotNull();
  }

  @Test
  void interruptsThatNeverEndTheirEventCountAgainstTheBudget() {
    // A level line that re-raises itself from its own EOI: the CPU takes interrupt after interrupt
    // inside one event; the budget counts them and ends the run there.
    try (RunRuntime rt = new RunRuntime(1)) {
      Actor cpu = rt.newActor("cpu0", Actor.Kind.CPU, 0);
      long[] taken = {0};
      rt.attachCpus(new irqlab.exec.CpuPort() {
        @Override
        public boolean canTakeInterrupt(int c) {
          return taken[0] > 0 || rt.now() >= 10;
        }

        @Override
        public void takeInterrupt(int c) {
          taken[0]++;
        }
      });
      rt.schedule(Event.of(rt.newActor("dev", Actor.Kind.DEVICE, -1), () -> rt.interruptRaised(0)), 10);
      rt.setBudget(new RunBudget(1000, 0));
      BudgetExceeded e = catchThrowableOfType(BudgetExceeded.class, rt::runToQuiescence);
      assertThat(e.limit()).isEqualTo(BudgetExceeded.Limit.EVENTS);
      assertThat(e.eventsRun()).isZero();
      assertThat(e.interruptsTaken() + e.eventsRun()).isEqualTo(1000);
      assertThat(taken[0]).isEqualTo(999);
      assertThat(e.nowNs()).isEqualTo(10);
    }
  }
}
