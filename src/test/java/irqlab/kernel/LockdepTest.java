package irqlab.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.exec.Actor;
import irqlab.exec.Event;
import irqlab.exec.RawSpinLock;
import irqlab.hw.cpu.Cpu;
import irqlab.sim.run.RunRuntime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Lockdep's circular-dependency check (kernel/locking/lockdep.c) on the model's locks: the first
 * order two classes are taken in is recorded; the reverse order is reported the first time it is
 * seen, with both places, whether or not anything deadlocked; nesting within one class and a
 * consistent order are not reported.
 */
class LockdepTest {
  private final RunRuntime rt = new RunRuntime(1);
  private final Kernel k = new Kernel(rt, List.of(new Cpu(0, 0), new Cpu(1, 1)), Variants.none(), true);
  private final List<String> reports = new ArrayList<>();

  LockdepTest() {
    k.addObserver(new KernelObserver() {
      @Override
      public void lockInversion(String detail) {
        reports.add(detail);
      }
    });
  }

  @AfterEach
  void close() {
    rt.close();
  }

  private void on(String task, long at, Runnable r) {
    Actor a = rt.newActor(task, Actor.Kind.TASK, 0);
    rt.schedule(Event.of(a, r), at);
  }

  private static void nested(RawSpinLock outer, RawSpinLock inner) {
    outer.lock();
    inner.lock();
    inner.unlock();
    outer.unlock();
  }

  @Test
  void theReverseOrderIsReportedOnceWithBothSidesEvenWithoutADeadlock() {
    RawSpinLock a = new RawSpinLock(rt, "lock_a");
    RawSpinLock b = new RawSpinLock(rt, "lock_b");
    on("first", 10, () -> nested(a, b));
    on("again", 20, () -> nested(a, b));
    on("reverse", 30, () -> nested(b, a));
    on("reverse2", 40, () -> nested(b, a));
    rt.runToQuiescence();
    assertThat(reports).hasSize(1);
    assertThat(reports.get(0)).startsWith("reverse takes lock_a while holding lock_b (reverse at 30ns in")
        .contains("but the reverse order is known: lock_a -> lock_b first taken by first at 10ns");
    assertThat(k.log().lines()).extracting(KernelLog.Line::text).containsExactly(
        "WARNING: possible circular locking dependency detected: lock_b -> lock_a against lock_a -> lock_b");
  }

  @Test
  void aConsistentOrderAndNestingWithinOneClassAreFine() {
    RawSpinLock a = new RawSpinLock(rt, "irq_desc");
    RawSpinLock a2 = new RawSpinLock(rt, "irq_desc");
    RawSpinLock b = new RawSpinLock(rt, "vector_lock");
    on("t1", 10, () -> nested(a, b));
    on("t2", 20, () -> nested(a2, b));
    on("t3", 30, () -> nested(a, a2));
    on("t4", 40, () -> nested(a2, a));
    rt.runToQuiescence();
    assertThat(reports).isEmpty();
  }

  @Test
  void aLongerCycleIsFoundThroughTheChainOfFirstOrders() {
    RawSpinLock a = new RawSpinLock(rt, "a");
    RawSpinLock b = new RawSpinLock(rt, "b");
    RawSpinLock c = new RawSpinLock(rt, "c");
    on("ab", 10, () -> nested(a, b));
    on("bc", 20, () -> nested(b, c));
    on("ca", 30, () -> nested(c, a));
    rt.runToQuiescence();
    assertThat(reports).hasSize(1);
    assertThat(reports.get(0)).startsWith("ca takes a while holding c")
        .contains("a -> b first taken by ab").contains("b -> c first taken by bc");
  }

  @Test
  void locksReleasedOutOfOrderLeaveNothingHeld() {
    RawSpinLock a = new RawSpinLock(rt, "a");
    RawSpinLock b = new RawSpinLock(rt, "b");
    RawSpinLock c = new RawSpinLock(rt, "c");
    on("t", 10, () -> {
      a.lock();
      b.lock();
      a.unlock();
      b.unlock();
      c.lock(); // nothing held any more: no dependency on c
      c.unlock();
    });
    on("u", 20, () -> nested(c, a)); // c -> a closes no cycle: only a -> b is known
    on("v", 30, () -> nested(b, a)); // b -> a does
    rt.runToQuiescence();
    assertThat(reports).hasSize(1);
    assertThat(reports.get(0)).startsWith("v takes a while holding b");
  }

  @Test
  void everyDescriptorsLockIsOneClassWhateverItsName() {
    // irq_desc_lock_class: one class for all descriptors, so the inversion between one child's
    // lock and list_lock and another child's is still one cycle, reported once.
    RawSpinLock list = new RawSpinLock(rt, "list_lock");
    RawSpinLock d25 = new RawSpinLock(rt, "irq_desc(25)", "irq_desc");
    RawSpinLock d26 = new RawSpinLock(rt, "irq_desc(26)", "irq_desc");
    on("enable", 10, () -> nested(d25, list));
    on("handler", 20, () -> nested(list, d26));
    on("again", 30, () -> nested(list, d25));
    rt.runToQuiescence();
    assertThat(reports).singleElement().asString().startsWith("handler takes irq_desc while holding list_lock");
    assertThat(d25.name()).isEqualTo("irq_desc(25)");
  }
}
