package irqlab.kernel.x86;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.exec.Actor;
import irqlab.exec.Event;
import irqlab.kernel.Kernel;
import irqlab.sim.Machine;
import irqlab.sim.TestMachines;
import irqlab.sim.Violation;
import org.junit.jupiter.api.Test;

/** common_interrupt's miss path as 6.12.y's call_irq_handler and reevaluate_vector (arch/x86/kernel/irq.c). */
class CommonInterruptTest {
  private static final long CPU1_ADDRESS = 0xFEE01000L;

  private static void spoof(Machine m, int vector) {
    Kernel k = m.kernel();
    k.exec().schedule(Event.of(k.exec().newActor("spoof", Actor.Kind.DEVICE, -1),
        () -> m.bus().memoryWrite(0x18, CPU1_ADDRESS, vector)), 0);
    TestMachines.rt(m).runToQuiescence();
  }

  @Test
  void aShutDownVectorIsQuietlyMadeUnusedAndOnlyTheNextHitComplains() {
    Machine m = TestMachines.boot(TestMachines.nic(2, 1, "none", null), 1);
    Kernel k = m.kernel();
    VectorDomain vd = k.vectorDomain();
    vd.setVectorIrq(1, 0x99, VectorDomain.VECTOR_SHUTDOWN);

    spoof(m, 0x99);
    assertThat(vd.vectorIrq(1, 0x99)).isNull();
    assertThat(k.log().lines()).noneMatch(l -> l.text().startsWith("No irq handler"));
    assertThat(k.interruptEntry().noHandlerCount(1)).isZero();
    assertThat(m.oracle().violations()).noneMatch(v -> v.kind().equals(Violation.NO_HANDLER));

    spoof(m, 0x99);
    assertThat(k.log().lines()).filteredOn(l -> l.text().startsWith("No irq handler"))
        .extracting(l -> l.text()).containsExactly("No irq handler for 1.153");
    assertThat(k.interruptEntry().noHandlerCount(1)).isEqualTo(1);
  }
}
