package irqlab.kernel.irq;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.exec.Actor;
import irqlab.exec.Completion;
import irqlab.exec.Event;
import irqlab.exec.Mutex;
import irqlab.exec.RawSpinLock;
import irqlab.exec.WaitQueue;
import irqlab.hw.devices.QueueDevice;
import irqlab.kernel.Kernel;
import irqlab.sim.Machine;
import irqlab.sim.TestMachines;
import irqlab.sim.Violation;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * might_sleep from the exec layer's sleeping primitives reaches the oracle as "sleeping in atomic
 * context" from a raw-spinlock section, an irq-off section and a hard interrupt handler, and not
 * from plain task context (kernel/sched/core.c __might_sleep, CONFIG_DEBUG_ATOMIC_SLEEP).
 */
class MightSleepTest {
  private final Machine m = TestMachines.boot(TestMachines.nic(2, 1, "none", null), 1);
  private final Kernel k = m.kernel();
  private final Mutex mutex = new Mutex(k.exec(), "m");
  private final Completion done = new Completion(k.exec(), "done");
  private final WaitQueue wq = new WaitQueue(k.exec(), "wq");
  private final RawSpinLock spin = new RawSpinLock(k.exec(), "spin");

  @AfterEach
  void close() {
    m.close();
  }

  private void onTask(Runnable r) {
    Actor task = k.exec().newActor("test", Actor.Kind.TASK, 0);
    k.exec().schedule(Event.of(task, r), k.exec().now());
    TestMachines.rt(m).runToQuiescence();
  }

  private List<String> sleepingInAtomic() {
    return m.oracle().violations().stream()
        .filter(v -> v.kind().equals(Violation.SLEEPING_IN_ATOMIC))
        .map(Violation::detail)
        .toList();
  }

  @Test
  void plainTaskContextMaySleep() {
    onTask(() -> {
      mutex.lock();
      k.exec().sleep(100);
      mutex.unlock();
      done.complete();
      done.waitForCompletion();
      assertThat(done.waitForCompletionTimeout(50)).isFalse();
      assertThat(wq.waitEventTimeout(() -> true, 10)).isTrue();
    });
    assertThat(sleepingInAtomic()).isEmpty();
    assertThat(k.log().lines()).noneMatch(l -> l.text().startsWith("BUG: sleeping function"));
  }

  @Test
  void sleepingWithARawSpinlockHeldIsReported() {
    onTask(() -> {
      spin.lock();
      mutex.lock();
      mutex.unlock();
      done.waitForCompletionTimeout(50);
      spin.unlock();
    });
    assertThat(sleepingInAtomic()).containsExactly(
        "mutex_lock(m) called from atomic context by test",
        "wait_for_completion(done) called from atomic context by test");
    assertThat(k.log().lines())
        .anyMatch(l -> l.text().equals("BUG: sleeping function called from invalid context at mutex_lock(m)"));
  }

  @Test
  void irqOffSectionsCountAsAtomicAndSleepingInThemIsReported() {
    int[] depth = new int[3];
    onTask(() -> {
      Actor me = k.current();
      depth[0] = me.atomicDepth();
      boolean flags = k.localIrqSave();
      depth[1] = me.atomicDepth();
      k.exec().sleep(100);
      k.localIrqRestore(flags);
      depth[2] = me.atomicDepth();
    });
    assertThat(depth).containsExactly(0, 1, 0);
    assertThat(sleepingInAtomic()).containsExactly("msleep called from atomic context by test");
  }

  @Test
  void sleepingInAHardInterruptHandlerIsReported() {
    int irq = m.binding("nic0").driver().irq(0);
    QueueDevice dev = m.binding("nic0").device();
    onTask(() -> {
      m.binding("nic0").driver().freeIrq(0);
      k.manage().requestIrq(irq, (i, id) -> {
        wq.waitEventTimeout(() -> true, 1_000); // condition already true: reported, not blocked
        return IrqReturn.HANDLED;
      }, 0, "sleeper", this);
    });
    assertThat(sleepingInAtomic()).isEmpty();
    Actor devActor = k.exec().newActor("dev", Actor.Kind.DEVICE, -1);
    k.exec().schedule(Event.of(devActor, () -> dev.complete(0)), k.exec().now());
    TestMachines.rt(m).runToQuiescence();
    assertThat(k.descs().get(irq).totalCount()).isEqualTo(1);
    int cpu = k.descs().get(irq).effectiveAffinity().firstCpu();
    assertThat(sleepingInAtomic()).containsExactly("wait_event(wq) called from atomic context by cpu" + cpu);
  }
}
