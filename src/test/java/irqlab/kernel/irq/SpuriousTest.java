package irqlab.kernel.irq;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.exec.Actor;
import irqlab.exec.Event;
import irqlab.kernel.Kernel;
import irqlab.kernel.KernelLog;
import irqlab.sim.Machine;
import irqlab.sim.TestMachines;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * note_interrupt (kernel/irq/spurious.c) with exact numbers: a window of 100,000 counted
 * interrupts, more than 99,900 of them unhandled disables the line; the count starts only once
 * one went unhandled; an unhandled interrupt more than HZ/10 after the previous one restarts it.
 */
class SpuriousTest {
  private final Machine m = TestMachines.boot(TestMachines.nic(2, 1, "none", null), 1);
  private final Kernel k = m.kernel();
  private final IrqDesc d = k.descs().get(m.binding("nic0").driver().irq(0));

  private void note(IrqReturn ret, int times) {
    for (int i = 0; i < times; i++) {
      k.spurious().noteInterrupt(d, ret);
    }
  }

  /** note_interrupt at virtual time {@code t}, from a CPU's actor. */
  private void noteAt(long t, IrqReturn ret) {
    k.exec().schedule(Event.of(k.exec().newActor("irq", Actor.Kind.CPU, 1), () -> k.spurious().noteInterrupt(d, ret)), t);
    TestMachines.rt(m).runUntil(t);
  }

  private boolean spuriousDisabled() {
    return d.istate(IrqsState.SPURIOUS_DISABLED);
  }

  @Test
  void aLineStuckForAWholeWindowIsReportedAndDisabledAtExactlyTheHundredThousandth() {
    note(IrqReturn.NONE, Spurious.WINDOW - 1);
    assertThat(spuriousDisabled()).isFalse();
    assertThat(k.log().lines()).isEmpty();
    note(IrqReturn.NONE, 1);
    assertThat(spuriousDisabled()).isTrue();
    assertThat(d.depth()).isEqualTo(1);
    assertThat(d.data().is(IrqdState.IRQ_DISABLED)).isTrue();
    assertThat(d.data().is(IrqdState.IRQ_MASKED)).as("lazy: masked by the next interrupt").isFalse();
    List<KernelLog.Line> log = k.log().lines();
    assertThat(log).extracting(KernelLog.Line::text).containsExactly(
        "irq " + d.irq() + ": nobody cared (try booting with the \"irqpoll\" option)",
        "handlers:",
        "[<(ptrval)>] nic0-TxRx-0",
        "Disabling IRQ #" + d.irq());
    assertThat(log).extracting(KernelLog.Line::level).containsExactly("err", "err", "err", "emerg");
  }

  @Test
  void exactly99900UnhandledInAWindowIsStillTolerated() {
    note(IrqReturn.NONE, 1);
    note(IrqReturn.HANDLED, 100);
    note(IrqReturn.NONE, 99_899);
    assertThat(spuriousDisabled()).isFalse();
    assertThat(d.irqsUnhandled()).as("the window closed and started over").isZero();
  }

  @Test
  void oneMoreUnhandledInTheWindowDisablesTheLine() {
    note(IrqReturn.NONE, 1);
    note(IrqReturn.HANDLED, 99);
    note(IrqReturn.NONE, 99_900);
    assertThat(spuriousDisabled()).isTrue();
  }

  @Test
  void handledInterruptsAloneAreNotCounted() {
    note(IrqReturn.HANDLED, 250_000);
    assertThat(d.irqCount()).isZero();
    assertThat(spuriousDisabled()).isFalse();
    note(IrqReturn.NONE, 1);
    assertThat(d.irqCount()).isEqualTo(1);
  }

  @Test
  void anUnhandledInterruptMoreThanHzOver10AfterTheLastRestartsTheCount() {
    long tick = Kernel.JIFFY_NS;
    noteAt(tick, IrqReturn.NONE);
    noteAt(2 * tick, IrqReturn.NONE);
    assertThat(d.irqsUnhandled()).isEqualTo(2);
    long last = 2 * tick;
    // HZ/10 = 25 jiffies later is not after last_unhandled + HZ/10 ...
    last += Kernel.HZ / 10 * tick;
    noteAt(last, IrqReturn.NONE);
    assertThat(d.irqsUnhandled()).isEqualTo(3);
    // ... even at the end of that jiffy (time is compared in jiffies) ...
    last += Kernel.HZ / 10 * tick + tick - 1;
    noteAt(last, IrqReturn.NONE);
    assertThat(d.irqsUnhandled()).isEqualTo(4);
    // ... but 26 jiffies later is.
    noteAt(last - (tick - 1) + (Kernel.HZ / 10 + 1) * tick, IrqReturn.NONE);
    assertThat(d.irqsUnhandled()).isEqualTo(1);
  }
}
