package irqlab.kernel.irq;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.exec.Actor;
import irqlab.exec.Event;
import irqlab.hw.devices.QueueDevice;
import irqlab.kernel.Kernel;
import irqlab.scenario.ScenarioParser;
import irqlab.sim.Machine;
import irqlab.sim.TestMachines;
import irqlab.sim.explore.ExploreRuntime;
import irqlab.sim.explore.ScheduleId;
import java.util.function.IntConsumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * synchronize_irq (kernel/irq/manage.c): disable_irq and free_irq return only when no handler of
 * the line runs on any CPU, since drivers free what their handler uses right after. Explored:
 * a handler runs on one CPU (with scheduling points inside it) while a task on the other CPU
 * disables or frees the line; in every schedule where the handler was running when the call
 * was made, it has finished when the call returns.
 */
class SynchronizeIrqTest {
  private static final int SCHEDULES = 60;
  /** Scheduling points in the handler after its register accesses: a handler that takes a while. */
  private static final int HANDLER_STEPS = 8;

  /** What one schedule saw. */
  private static final class Seen {
    boolean entered;
    boolean exited;
    boolean runningAtCall;
    boolean runningAtReturn;
  }

  @ParameterizedTest
  @ValueSource(strings = {"disable_irq", "free_irq"})
  void theCallReturnsOnlyAfterAHandlerRunningOnAnotherCpuHasFinished(String call) {
    int overlapped = 0;
    for (int i = 0; i < SCHEDULES; i++) {
      Seen seen = schedule(call, new ScheduleId("pos", 3, i));
      assertThat(seen.runningAtReturn).as("schedule %d: %s returned with the handler still running", i, call)
          .isFalse();
      if (seen.runningAtCall) {
        overlapped++;
        assertThat(seen.exited).isTrue();
      }
    }
    // The interleaving that matters was explored, so the assertion above could have failed.
    assertThat(overlapped).as("schedules where %s met a running handler", call).isPositive();
  }

  private static Seen schedule(String call, ScheduleId id) {
    Seen seen = new Seen();
    try (ExploreRuntime rt = ExploreRuntime.forSchedule(id)) {
      Machine m = Machine.build(ScenarioParser.parse("t.yaml", TestMachines.nic(2, 1, "none", null)), rt);
      rt.runUntil(0);
      Kernel k = m.kernel();
      QueueDevice dev = m.binding("nic0").device();
      int irq = m.binding("nic0").driver().irq(0);
      IrqDesc desc = k.descs().get(irq);
      Object devId = new Object();
      int handlerCpu = desc.effectiveAffinity().firstCpu();
      Actor task = rt.newActor("test", Actor.Kind.TASK, 1 - handlerCpu);
      // Our own handler: it consumes the completion, with points where another CPU may run.
      IntConsumer install = unused -> {
        m.binding("nic0").driver().freeIrq(0);
        k.manage().requestIrq(irq, (n, d) -> {
          seen.entered = true;
          int off = QueueDevice.queueRegister(0, QueueDevice.REG_COMPLETIONS);
          int done = dev.mmioRead32(QueueDevice.DEVICE_BAR, off);
          rt.point("handler works");
          dev.mmioWrite32(QueueDevice.DEVICE_BAR, off, done);
          for (int p = 0; p < HANDLER_STEPS; p++) {
            rt.point("handler works on");
          }
          seen.exited = true;
          return IrqReturn.HANDLED;
        }, 0, "sync-test", devId);
      };
      rt.schedule(Event.of(task, () -> install.accept(0)), rt.now());
      rt.runUntil(rt.now());
      Actor device = rt.newActor("dev", Actor.Kind.DEVICE, -1);
      long t = rt.now() + 1_000;
      rt.schedule(Event.of(device, () -> dev.complete(0)), t);
      rt.schedule(Event.of(task, () -> {
        seen.runningAtCall = seen.entered && !seen.exited;
        if (call.equals("disable_irq")) {
          k.manage().disableIrq(irq);
        } else {
          k.manage().freeIrq(irq, devId);
        }
        seen.runningAtReturn = seen.entered && !seen.exited;
      }), t);
      rt.runToQuiescence();
      m.close();
    }
    return seen;
  }
}
