package irqlab.kernel.irq;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.exec.Actor;
import irqlab.exec.Completion;
import irqlab.exec.Event;
import irqlab.hw.devices.QueueDevice;
import irqlab.kernel.Kernel;
import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.msi.MsiMsg;
import irqlab.sim.Machine;
import irqlab.sim.TestMachines;
import irqlab.sim.Violation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The slow-bus bracket of kernel/irq/manage.c: chip_bus_lock / chip_bus_sync_unlock around
 * request_irq, free_irq (twice), disable_irq(_nosync) and enable_irq, outside the descriptor lock
 * with interrupts on, and reported as sleeping in atomic context from an interrupt handler.
 */
class ChipBusLockTest {
  private final Machine m = TestMachines.boot(TestMachines.nic(2, 1, "none", null), 1);
  private final Kernel k = m.kernel();
  private final QueueDevice dev = m.binding("nic0").device();
  private final int irq = m.binding("nic0").driver().irq(0);
  private final IrqDesc desc = k.descs().get(irq);
  private final List<String> log = new ArrayList<>();
  /** What bus_sync_unlock does besides logging (e.g. wait for a device command). */
  private Runnable sync = () -> {};

  @AfterEach
  void close() {
    m.close();
  }

  /** The line's own chip behind a slow bus: every op is logged with the context it ran in. */
  private final class SlowBusChip extends IrqChip {
    private final IrqChip inner;

    SlowBusChip(IrqChip inner) {
      super("SLOW-" + inner.name(), inner.flags());
      this.inner = inner;
    }

    private void note(String op) {
      String ctx = (desc.lock().isLocked() ? " [desc locked]" : "") + (k.irqsDisabled() ? " [irqs off]" : "");
      log.add(op + ctx);
    }

    @Override
    public boolean has(Op op) {
      return op == Op.BUS_LOCK || op == Op.BUS_SYNC_UNLOCK || inner.has(op);
    }

    @Override
    public void busLock(IrqData d) {
      note("bus_lock");
    }

    @Override
    public void busSyncUnlock(IrqData d) {
      note("bus_sync_unlock");
      sync.run();
    }

    @Override
    public void mask(IrqData d) {
      note("mask");
      inner.mask(d);
    }

    @Override
    public void unmask(IrqData d) {
      note("unmask");
      inner.unmask(d);
    }

    @Override
    public void ack(IrqData d) {
      inner.ack(d);
    }

    @Override
    public int setAffinity(IrqData d, CpuMask dest, boolean force) {
      note("set_affinity");
      return inner.setAffinity(d, dest, force);
    }

    @Override
    public boolean retrigger(IrqData d) {
      note("retrigger");
      return inner.retrigger(d);
    }

    @Override
    public void writeMsiMsg(IrqData d, MsiMsg msg) {
      note("write_msi_msg");
      inner.writeMsiMsg(d, msg);
    }

    @Override
    public MsiMsg composeMsiMsg(IrqData d) {
      return inner.composeMsiMsg(d);
    }
  }

  private void slowBus() {
    IrqData d = desc.data();
    d.set(d.hwirq(), new SlowBusChip(d.chip()), d.chipData());
  }

  private void onTask(Runnable r) {
    Actor task = k.exec().newActor("test", Actor.Kind.TASK, 0);
    k.exec().schedule(Event.of(task, r), k.exec().now());
    TestMachines.rt(m).runToQuiescence();
  }

  private void fire() {
    Actor a = k.exec().newActor("dev", Actor.Kind.DEVICE, -1);
    k.exec().schedule(Event.of(a, () -> dev.complete(0)), k.exec().now());
    TestMachines.rt(m).runToQuiescence();
  }

  private List<String> sleepingInAtomic() {
    return m.oracle().violations().stream()
        .filter(v -> v.kind().equals(Violation.SLEEPING_IN_ATOMIC))
        .map(Violation::detail)
        .toList();
  }

  /**
   * Checks that {@code ops} is {@code brackets} bus_lock..bus_sync_unlock pairs, taken outside the
   * descriptor lock with interrupts on, with every chip op inside a pair and under the lock.
   */
  private static void assertBracketed(List<String> ops, int brackets) {
    boolean open = false;
    int pairs = 0;
    for (String op : ops) {
      if (op.startsWith("bus_lock")) {
        assertThat(open).as("bus_lock inside a bracket: %s", ops).isFalse();
        assertThat(op).as("bus_lock in atomic context").isEqualTo("bus_lock");
        open = true;
      } else if (op.startsWith("bus_sync_unlock")) {
        assertThat(open).as("bus_sync_unlock without bus_lock: %s", ops).isTrue();
        assertThat(op).as("bus_sync_unlock in atomic context").isEqualTo("bus_sync_unlock");
        open = false;
        pairs++;
      } else {
        assertThat(open).as("%s outside the bus bracket: %s", op, ops).isTrue();
        assertThat(op).as("chip op without the descriptor lock").endsWith("[desc locked] [irqs off]");
      }
    }
    assertThat(open).as("bracket left open: %s", ops).isFalse();
    assertThat(pairs).as("brackets in %s", ops).isEqualTo(brackets);
  }

  @Test
  void freeAndRequestAreBracketedOutsideTheDescriptorLock() {
    slowBus();
    onTask(() -> m.binding("nic0").driver().freeIrq(0));
    // __free_irq: shutdown synced out before synchronize_irq, then the bus retaken to deactivate.
    assertBracketed(log, 2);
    assertThat(log).startsWith("bus_lock", "mask [desc locked] [irqs off]", "bus_sync_unlock", "bus_lock");
    log.clear();
    onTask(() -> m.binding("nic0").driver().requestIrq(0));
    assertBracketed(log, 1);
    assertThat(log).contains("unmask [desc locked] [irqs off]");
    assertThat(sleepingInAtomic()).isEmpty();
    fire();
    assertThat(desc.totalCount()).isEqualTo(1);
  }

  @Test
  void disableAndEnableAreBracketed() {
    slowBus();
    onTask(() -> k.manage().disableIrq(irq));
    assertThat(log).containsExactly("bus_lock", "bus_sync_unlock"); // lazy: no chip op yet
    log.clear();
    fire(); // the flow handler masks it: an interrupt path op, no bracket
    assertThat(log).containsExactly("mask [desc locked] [irqs off]");
    log.clear();
    onTask(() -> k.manage().disableIrqNosync(irq));
    onTask(() -> k.manage().enableIrq(irq));
    assertThat(log).containsExactly("bus_lock", "bus_sync_unlock", "bus_lock", "bus_sync_unlock");
    log.clear();
    onTask(() -> k.manage().enableIrq(irq));
    assertBracketed(log, 1);
    assertThat(log).contains("unmask [desc locked] [irqs off]");
    assertThat(desc.depth()).isZero();
    assertThat(desc.totalCount()).isEqualTo(1); // the interrupt held while disabled was resent
    assertThat(sleepingInAtomic()).isEmpty();
  }

  @Test
  void aBusSyncUnlockThatWaitsForTheDeviceSleepsInTheTask() {
    slowBus();
    Completion cmd = new Completion(k.exec(), "bus command");
    Actor busDev = k.exec().newActor("bus", Actor.Kind.DEVICE, -1);
    sync = () -> {
      // Push the shadow to the device and wait for its completion, as a queue-memory IMS chip does.
      k.exec().schedule(Event.of(busDev, cmd::complete), k.exec().now() + 2_000);
      cmd.waitForCompletion();
    };
    long start = k.exec().now();
    long[] back = new long[1];
    onTask(() -> {
      k.manage().disableIrqNosync(irq);
      back[0] = k.exec().now();
    });
    assertThat(back[0]).isEqualTo(start + 2_000);
    assertThat(sleepingInAtomic()).isEmpty();
  }

  @Test
  void aBusLockedOperationFromAnInterruptHandlerIsReported() {
    slowBus();
    onTask(() -> {
      m.binding("nic0").driver().freeIrq(0);
      k.manage().requestIrq(irq, (i, id) -> {
        k.manage().disableIrqNosync(irq); // the classic handler pattern; fine on a fast chip only
        return IrqReturn.HANDLED;
      }, 0, "slow", this);
    });
    assertThat(sleepingInAtomic()).isEmpty();
    fire();
    int cpu = desc.effectiveAffinity().firstCpu();
    assertThat(sleepingInAtomic())
        .containsExactly("disable_irq_nosync: chip_bus_lock(SLOW-" + ((SlowBusChip) desc.chip()).inner.name()
            + ") called from atomic context by cpu" + cpu);
    assertThat(desc.depth()).isEqualTo(1);
  }

  @Test
  void aFastChipNeedsNoBracketAndMayBeDisabledFromItsHandler() {
    onTask(() -> {
      m.binding("nic0").driver().freeIrq(0);
      k.manage().requestIrq(irq, (i, id) -> {
        k.manage().disableIrqNosync(irq);
        return IrqReturn.HANDLED;
      }, 0, "fast", this);
    });
    fire();
    assertThat(desc.depth()).isEqualTo(1);
    assertThat(sleepingInAtomic()).isEmpty();
    assertThat(ChipBusLock.slowBus(desc.chip())).isFalse();
  }
}
