package irqlab.sim.explore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import irqlab.exec.Actor;
import irqlab.exec.Event;
import irqlab.exec.RawSpinLock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * close() ends every actor thread even when model code, unwinding, swallows the runtime's Abort
 * or replaces it (an unlock in a finally of a lock never taken); it used to hand the baton on and
 * leave the thread parked ("actor threads did not terminate").
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ExploreCloseTest {
  @Test
  void closeEndsActorsWhoseCodeSwallowsOrReplacesTheUnwinding() {
    for (int i = 0; i < 40; i++) {
      ExploreRuntime rt = ExploreRuntime.forSchedule(new ScheduleId("random", 9, i));
      RawSpinLock lock = new RawSpinLock(rt, "l");
      Actor a = rt.newActor("replace", Actor.Kind.TASK, 0);
      Actor b = rt.newActor("swallow", Actor.Kind.TASK, 1);
      Actor dev = rt.newActor("dev", Actor.Kind.DEVICE, -1);
      rt.schedule(Event.of(a, () -> {
        try {
          lock.lock();
          rt.point("inside");
        } finally {
          lock.unlock(); // throws when the lock was never taken
        }
      }), 0);
      rt.schedule(Event.of(b, () -> {
        try {
          rt.point("p");
          rt.waitUntil("never", () -> false);
        } catch (Throwable t) {
          // swallowed
        }
      }), 0);
      rt.schedule(Event.of(dev, () -> {
        rt.point("q");
        throw new IllegalStateException("device model bug");
      }), 0);
      assertThatThrownBy(rt::runToQuiescence).isInstanceOf(irqlab.exec.ExecException.class);
      rt.close();
      assertThat(Thread.getAllStackTraces().keySet())
          .noneMatch(t -> t.isAlive() && t.getName().startsWith(ExploreRuntime.THREAD_PREFIX)
              && (t.getName().endsWith("/replace") || t.getName().endsWith("/swallow")));
    }
  }
}
