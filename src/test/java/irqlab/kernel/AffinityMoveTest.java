package irqlab.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import irqlab.exec.Actor;
import irqlab.exec.Event;
import irqlab.hw.devices.QueueDevice;
import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.irq.IrqdState;
import irqlab.kernel.irq.ProcIrq;
import irqlab.kernel.x86.ApicChipData;
import irqlab.kernel.x86.VectorDomain;
import irqlab.sim.Machine;
import irqlab.sim.TestMachines;
import org.junit.jupiter.api.Test;

/**
 * Affinity of a non-remapped MSI-X vector on x86: the write only sets a pending move; the next
 * interrupt moves it in its ack path; the old vector is freed on the old CPU at the tick after the
 * first interrupt arrived on the new one. Managed vectors refuse writes with EPERM.
 */
class AffinityMoveTest {
  private Machine m;
  private Kernel k;
  private QueueDevice dev;

  private void boot(String affinity) {
    m = TestMachines.boot(TestMachines.nic(4, 2, affinity, null), 1);
    k = m.kernel();
    dev = m.binding("nic0").device();
  }

  private void onTask(Runnable r) {
    k.exec().schedule(Event.of(k.exec().newActor("admin", Actor.Kind.TASK, 0), r), k.exec().now());
    TestMachines.rt(m).runUntil(k.exec().now());
  }

  private void fire(int queue) {
    k.exec().schedule(Event.of(k.exec().newActor("dev", Actor.Kind.DEVICE, -1), () -> dev.complete(queue)),
        k.exec().now());
    TestMachines.rt(m).runUntil(k.exec().now());
  }

  @Test
  void writeSetsAPendingMoveThatTheNextInterruptCarriesOut() {
    boot("[0]");
    int irq = m.binding("nic0").driver().irq(1);
    IrqDesc d = k.descs().get(irq);
    ApicChipData a = VectorDomain.apicChipData(d.data());
    int oldVector = a.vector();
    assertThat(a.cpu()).isZero();
    onTask(() -> ProcIrq.writeSmpAffinityList(k, irq, CpuMask.of(2)));
    assertThat(d.data().is(IrqdState.SETAFFINITY_PENDING)).isTrue();
    assertThat(d.pendingMask()).isEqualTo(CpuMask.of(2));
    assertThat(d.effectiveAffinity()).isEqualTo(CpuMask.of(0));

    fire(1); // arrives on CPU 0, whose ack path moves the vector to CPU 2
    assertThat(d.data().is(IrqdState.SETAFFINITY_PENDING)).isFalse();
    assertThat(d.effectiveAffinity()).isEqualTo(CpuMask.of(2));
    assertThat(d.affinity()).isEqualTo(CpuMask.of(2));
    assertThat(a.cpu()).isEqualTo(2);
    assertThat(a.moveInProgress()).isTrue();
    assertThat(a.prevCpu()).isZero();
    assertThat(a.prevVector()).isEqualTo(oldVector);
    assertThat(k.vectorDomain().vectorIrq(0, oldVector)).isSameAs(d);
    // The device was reprogrammed with the new destination while the entry was masked.
    assertThat(dev.entryAddress(1)).isEqualTo(0xFEE02000L);
    assertThat(dev.entryData(1)).isEqualTo(a.vector());

    fire(1); // first interrupt on the new vector: the old one is queued for cleanup
    assertThat(a.moveInProgress()).isFalse();
    assertThat(a.cleanupPending()).isTrue();
    assertThat(k.descs().get(irq).count(2)).isEqualTo(1);

    TestMachines.rt(m).runToQuiescence(); // the cleanup timer fires at the next tick
    assertThat(a.cleanupPending()).isFalse();
    assertThat(a.prevVector()).isZero();
    assertThat(k.vectorDomain().vectorIrq(0, oldVector)).isNull();
    assertThat(k.matrix().isUsed(0, oldVector)).isFalse();
    m.checkQuiescent();
    assertThat(m.oracle().violations()).isEmpty();
  }

  @Test
  void aSecondMoveWaitsWhileTheCleanupOfTheFirstIsPending() {
    boot("[0]");
    int irq = m.binding("nic0").driver().irq(0);
    IrqDesc d = k.descs().get(irq);
    onTask(() -> ProcIrq.writeSmpAffinityList(k, irq, CpuMask.of(1)));
    fire(0);
    fire(0); // cleanup of the CPU 0 vector now pending
    onTask(() -> ProcIrq.writeSmpAffinityList(k, irq, CpuMask.of(3)));
    fire(0); // EBUSY in the vector domain: the move stays pending
    assertThat(d.data().is(IrqdState.SETAFFINITY_PENDING)).isTrue();
    assertThat(d.effectiveAffinity()).isEqualTo(CpuMask.of(1));
    TestMachines.rt(m).runToQuiescence();
    fire(0); // cleanup done: this interrupt moves it
    assertThat(d.effectiveAffinity()).isEqualTo(CpuMask.of(3));
  }

  @Test
  void managedVectorsRefuseUserAffinityWithEperm() {
    boot("managed");
    int irq = m.binding("nic0").driver().irq(0);
    assertThatThrownBy(() -> ProcIrq.writeSmpAffinityList(k, irq, CpuMask.of(1)))
        .isInstanceOfSatisfying(KernelException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EPERM));
  }

  @Test
  void maskWithoutOnlineCpuIsEinval() {
    boot("none");
    int irq = m.binding("nic0").driver().irq(0);
    assertThatThrownBy(() -> ProcIrq.writeSmpAffinityList(k, irq, CpuMask.of(9)))
        .isInstanceOfSatisfying(KernelException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
  }

  @Test
  void managedVectorsAreSpreadOnePerCpuAndReservedEverywhere() {
    boot("managed");
    for (int v = 0; v < 2; v++) {
      IrqDesc d = k.descs().get(m.binding("nic0").driver().irq(v));
      assertThat(d.data().is(IrqdState.AFFINITY_MANAGED)).isTrue();
      assertThat(d.data().is(IrqdState.CAN_RESERVE)).isFalse();
    }
    // 2 vectors over 4 CPUs: CPUs {0,1} and {2,3}; each mask CPU holds one managed reservation.
    assertThat(k.descs().get(m.binding("nic0").driver().irq(0)).affinity()).isEqualTo(CpuMask.of(0, 1));
    assertThat(k.descs().get(m.binding("nic0").driver().irq(1)).affinity()).isEqualTo(CpuMask.of(2, 3));
    for (int c = 0; c < 4; c++) {
      assertThat(k.matrix().managed(c)).isEqualTo(1);
    }
  }

  @Test
  void unbindReturnsTheMatrixToItsBootState() {
    boot("none");
    var fresh = irqlab.kernel.x86.VectorMatrix.x86Boot(4);
    onTask(() -> m.binding("nic0").driver().remove());
    assertThat(k.matrix().debugShow()).isEqualTo(fresh.debugShow());
    assertThat(k.domains().all()).extracting(dd -> dd.name()).contains("VECTOR");
  }

  private void bootYaml(String yaml) {
    m = TestMachines.boot(yaml, 1);
    k = m.kernel();
    dev = m.binding("nic0").device();
  }

  private static String twoNics(String version) {
    return "name: t\n"
        + "machine: { cpus: 4, kernel: { version: \"" + version + "\" } }\n"
        + "devices:\n"
        + "  - { id: nic0, type: nic, msix: { table: 2 }, queues: 2 }\n"
        + "  - { id: nic1, type: nic, msix: { table: 2 }, queues: 2 }\n"
        + "drivers:\n"
        + "  - { device: nic0, vectors: { min: 2, max: 2, kind: msix, affinity: [0] } }\n"
        + "  - { device: nic1, vectors: { min: 2, max: 2, kind: msix, affinity: [2] } }\n";
  }

  /**
   * 6.12.117 arch/x86/kernel/apic/msi.c msi_set_affinity: an unmanaged MSI-X line can reserve, so
   * its move takes the detour (b56ebe7c896d), and the new vector, unused on the old CPU, is marked
   * VECTOR_RETRIGGERED there and stays so (nothing hits it: irq_move_irq masked the entry). The 6.6
   * profile writes directly and leaves no mark.
   */
  @Test
  void on612AnMsixMoveTakesTheDetourAndLeavesTheMarkOnTheOldCpu() {
    for (String version : new String[] {"6.12", "6.6"}) {
      bootYaml(twoNics(version));
      int irq = m.binding("nic0").driver().irq(0);
      IrqDesc d = k.descs().get(irq);
      ApicChipData a = VectorDomain.apicChipData(d.data());
      assertThat(d.data().is(IrqdState.CAN_RESERVE)).isTrue();
      onTask(() -> ProcIrq.writeSmpAffinityList(k, irq, CpuMask.of(2)));
      fire(0);
      assertThat(a.cpu()).isEqualTo(2);
      int b = a.vector();
      assertThat(k.vectorDomain().vectorIrq(0, b) instanceof IrqDesc).as("CPU 0's vector %d is free", b).isFalse();
      assertThat(dev.entryAddress(0)).isEqualTo(0xFEE02000L);
      assertThat(dev.entryData(0)).isEqualTo(b);
      if (version.equals("6.12")) {
        assertThat(k.vectorDomain().vectorIrq(0, b)).isSameAs(VectorDomain.VECTOR_RETRIGGERED);
      } else {
        assertThat(k.vectorDomain().vectorIrq(0, b)).isNull();
      }
    }
  }

  /**
   * arch/x86/kernel/apic/vector.c irq_complete_move: the move completes when an interrupt of the
   * line is acknowledged on the new CPU; 6.12 compares the CPU only ("an interrupt can never move
   * from one vector to another on the same CPU"), not the vector being handled.
   */
  @Test
  void aMoveCompletesOnTheNewCpuWhateverVectorIsBeingHandled() {
    boot("[0]");
    int irq = m.binding("nic0").driver().irq(1);
    IrqDesc d = k.descs().get(irq);
    ApicChipData a = VectorDomain.apicChipData(d.data());
    onTask(() -> ProcIrq.writeSmpAffinityList(k, irq, CpuMask.of(2)));
    fire(1);
    assertThat(a.moveInProgress()).isTrue();
    // The APIC chip's ack on CPU 2 outside any vector (CommonInterrupt's current vector is 0).
    k.exec().schedule(Event.of(k.exec().newActor("cpu2-task", Actor.Kind.TASK, 2), () -> {
      var v = d.data().levelIn(k.vectorDomain().domain());
      v.chip().ack(v);
    }), k.exec().now());
    TestMachines.rt(m).runUntil(k.exec().now());
    assertThat(a.moveInProgress()).isFalse();
    assertThat(a.cleanupPending()).isTrue();
  }

  /**
   * arch/x86/kernel/apic/vector.c apic_set_affinity: WARN_ON_ONCE(!irqd_is_activated) and -EIO.
   * The core never gets here for a deactivated line (irq_set_affinity_deactivated keeps the mask).
   */
  @Test
  void apicSetAffinityOnALineThatIsNotActivatedWarnsOnceAndIsEio() {
    boot("none");
    int irq = m.binding("nic0").driver().irq(0);
    IrqDesc d = k.descs().get(irq);
    onTask(() -> m.binding("nic0").driver().freeIrq(0));
    assertThat(d.data().is(IrqdState.ACTIVATED)).isFalse();
    KernelException[] err = new KernelException[2];
    for (int i = 0; i < 2; i++) {
      int n = i;
      onTask(() -> {
        var v = d.data().levelIn(k.vectorDomain().domain());
        try {
          v.chip().setAffinity(v, CpuMask.of(1), false);
        } catch (KernelException e) {
          err[n] = e;
        }
      });
    }
    assertThat(err).allSatisfy(e -> assertThat(e.errno()).isEqualTo(Errno.EIO));
    assertThat(k.log().lines()).filteredOn(l -> l.text().startsWith("WARNING: apic_set_affinity")).hasSize(1);
  }

  /**
   * arch/x86/kernel/apic/vector.c __vector_cleanup: an old vector still pending in the old CPU's
   * IRR keeps its cleanup for the next tick, and says so with pr_warn_once: one line per boot, not
   * one per occurrence.
   */
  @Test
  void movedInterruptPendingInTheOldApicIsWarnedOnce() {
    boot("[0]");
    for (int v = 0; v < 2; v++) {
      int irq = m.binding("nic0").driver().irq(v);
      ApicChipData a = VectorDomain.apicChipData(k.descs().get(irq).data());
      int old = a.vector();
      int queue = v;
      onTask(() -> ProcIrq.writeSmpAffinityList(k, irq, CpuMask.of(2)));
      fire(queue); // moves it in the ack on CPU 0
      fire(queue); // first interrupt on CPU 2: cleanup queued on CPU 0
      assertThat(a.cleanupPending()).isTrue();
      // The old vector latched in CPU 0's IRR, not yet taken, when the cleanup timer runs.
      k.cpu(0).apic().accept(old);
      TestMachines.rt(m).runToQuiescence();
      assertThat(a.prevVector()).isZero();
    }
    assertThat(k.log().lines()).filteredOn(l -> l.text().startsWith("Moved interrupt pending in old target APIC"))
        .hasSize(1);
  }
}
