package irqlab.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.irq.IrqdState;
import irqlab.kernel.irq.IrqsState;
import irqlab.kernel.irq.ProcIrq;
import irqlab.kernel.x86.ApicChipData;
import irqlab.kernel.x86.VectorDomain;
import irqlab.kernel.x86.VectorMatrix;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * CPU offline and online (kernel/irq/cpuhotplug.c, arch/x86/kernel/apic/vector.c, irq.c,
 * smpboot.c): where each kind of interrupt goes, what is refused, and that nothing is lost or
 * miscounted on the way.
 */
class CpuHotplugTest {
  /** nic0: managed, one vector per CPU; nic1: unmanaged over CPUs 1-2; nic2: pinned to CPU 1. */
  static final String MIXED = """
      name: mixed
      machine: { cpus: 4 }
      devices:
        - { id: nic0, type: nic, msix: { table: 4 }, queues: 4 }
        - { id: nic1, type: nic, msix: { table: 2 }, queues: 2 }
        - { id: nic2, type: nic, msix: { table: 1 }, queues: 1 }
      drivers:
        - { device: nic0, vectors: { min: 4, max: 4, kind: msix, affinity: managed } }
        - { device: nic1, vectors: { min: 2, max: 2, kind: msix, affinity: [1, 2] } }
        - { device: nic2, vectors: { min: 1, max: 1, kind: msix, affinity: [1] } }
      """;

  private HotplugRig r;

  @AfterEach
  void accountingHoldsAndNothingIsLost() {
    if (r != null) {
      r.m.checkQuiescent();
      assertThat(r.m.oracle().violations()).isEmpty();
    }
  }

  /** The nic1 vector that activation placed on {@code cpu}. */
  private String nic1On(int cpu) {
    for (String n : List.of("nic1/msix/0", "nic1/msix/1")) {
      if (r.apic(n).cpu() == cpu) {
        return n;
      }
    }
    throw new AssertionError("no nic1 vector on CPU " + cpu);
  }

  @Test
  void managedIrqWhoseOnlyCpuGoesIsShutDownAndComesBackOnTheSameVector() {
    r = new HotplugRig(MIXED);
    IrqDesc d = r.desc("nic0/msix/1");
    ApicChipData a = r.apic("nic0/msix/1");
    assertThat(a.cpu()).isEqualTo(1);
    int vector = a.vector();

    assertThat(r.cpuDown(1)).isNull();
    assertThat(r.k.onlineMask()).isEqualTo(CpuMask.of(0, 2, 3));
    assertThat(d.data().is(IrqdState.MANAGED_SHUTDOWN)).isTrue();
    assertThat(d.data().is(IrqdState.IRQ_STARTED)).isFalse();
    assertThat(d.data().is(IrqdState.ACTIVATED)).isFalse();
    assertThat(d.data().is(IrqdState.IRQ_DISABLED | IrqdState.IRQ_MASKED)).isTrue();
    assertThat(d.depth()).isEqualTo(1);
    // As the reference b_offline_cpu1 irq 27: Vector 0, Target still 1, effective the first
    // online CPU (MANAGED_IRQ_SHUTDOWN_VECTOR's target), affinity untouched.
    assertThat(a.vector()).isZero();
    assertThat(a.cpu()).isEqualTo(1);
    assertThat(a.cfgVector()).isEqualTo(VectorMatrix.MANAGED_IRQ_SHUTDOWN_VECTOR);
    assertThat(d.effectiveAffinity()).isEqualTo(CpuMask.of(0));
    assertThat(d.affinity()).isEqualTo(CpuMask.of(1));

    // Work completed meanwhile waits in the PBA of the masked entry.
    r.complete("nic0", 1);
    r.complete("nic0", 1);
    assertThat(r.dev("nic0").pbaPending(1)).isTrue();
    assertThat(r.dev("nic0").outstanding(1)).isEqualTo(2);
    assertThat(r.delivered("nic0/msix/1")).isZero();

    assertThat(r.cpuUp(1)).isNull();
    assertThat(a.vector()).as("the managed reservation gives the same vector back").isEqualTo(vector);
    assertThat(a.cpu()).isEqualTo(1);
    assertThat(d.data().is(IrqdState.IRQ_STARTED | IrqdState.ACTIVATED)).isTrue();
    assertThat(d.data().is(IrqdState.MANAGED_SHUTDOWN | IrqdState.IRQ_DISABLED)).isFalse();
    assertThat(d.depth()).isZero();
    assertThat(r.dev("nic0").outstanding(1)).isZero();
    assertThat(d.count(1)).isEqualTo(1);
  }

  /** The driver disables {@code name}, then its queue completes work: masked, IRQS_PENDING. */
  private int disableWithWorkPending(String name) {
    int irq = r.irq(name);
    r.onTask(() -> r.k.manage().disableIrq(irq));
    r.complete("nic0", Integer.parseInt(name.substring(name.lastIndexOf('/') + 1)));
    assertThat(r.desc(name).istate(IrqsState.PENDING)).isTrue();
    return irq;
  }

  /**
   * 6.12: irq_shutdown sets depth 1 (kernel/irq/chip.c irq_shutdown), and the returning CPU calls
   * irq_startup (kernel/irq/cpuhotplug.c irq_restore_affinity_of_irq), which sets depth 0, starts
   * the line and resends what the lazy disable held: the driver's disable is gone, and its
   * enable_irq finds depth 0 (kernel/irq/manage.c __enable_irq: "Unbalanced enable").
   */
  @Test
  void onlineUndoesTheDriversDisableAndResendsWhatItHeld() {
    r = new HotplugRig(MIXED);
    int irq = disableWithWorkPending("nic0/msix/1");
    IrqDesc d = r.desc("nic0/msix/1");
    r.cpuDown(1);
    assertThat(d.depth()).isEqualTo(1);
    assertThat(d.data().is(IrqdState.MANAGED_SHUTDOWN)).isTrue();
    r.cpuUp(1);
    assertThat(d.depth()).isZero();
    assertThat(d.data().is(IrqdState.IRQ_STARTED)).isTrue();
    assertThat(d.data().is(IrqdState.MANAGED_SHUTDOWN | IrqdState.IRQ_DISABLED)).isFalse();
    assertThat(d.istate(IrqsState.PENDING)).isFalse();
    assertThat(r.dev("nic0").outstanding(1)).isZero();
    assertThat(r.delivered("nic0/msix/1")).isEqualTo(1);
    r.onTask(() -> r.k.manage().enableIrq(irq));
    assertThat(r.log()).contains("Unbalanced enable for IRQ " + irq);
    assertThat(d.depth()).isZero();
  }

  /** The same under the 6.16 profile (788019eb559f): the disable survives, enable_irq resends. */
  @Test
  void aLazilyPendingInterruptIsResentWhenTheLineStartsAgainOn616() {
    r = new HotplugRig(MIXED.replace("machine: { cpus: 4 }", "machine: { cpus: 4, kernel: { version: \"6.16\" } }"));
    int irq = disableWithWorkPending("nic0/msix/1");
    IrqDesc d = r.desc("nic0/msix/1");
    r.cpuDown(1);
    assertThat(d.depth()).isEqualTo(2);
    r.cpuUp(1);
    assertThat(d.depth()).isEqualTo(1);
    assertThat(d.data().is(IrqdState.IRQ_STARTED)).isFalse();
    assertThat(d.data().is(IrqdState.MANAGED_SHUTDOWN)).isFalse();
    r.onTask(() -> r.k.manage().enableIrq(irq));
    assertThat(d.istate(IrqsState.PENDING)).isFalse();
    assertThat(r.dev("nic0").outstanding(1)).isZero();
    assertThat(r.delivered("nic0/msix/1")).isEqualTo(1);
    assertThat(r.log()).noneMatch(l -> l.startsWith("Unbalanced enable"));
  }

  @Test
  void aPendingAffinityChangeIsCarriedOutFirst() {
    r = new HotplugRig(MIXED);
    String n = nic1On(1);
    IrqDesc d = r.desc(n);
    r.onTask(() -> ProcIrq.writeSmpAffinityList(r.k, r.irq(n), CpuMask.of(3)));
    assertThat(d.data().is(IrqdState.SETAFFINITY_PENDING)).isTrue();
    r.cpuDown(1);
    assertThat(d.data().is(IrqdState.SETAFFINITY_PENDING)).isFalse();
    assertThat(d.effectiveAffinity()).isEqualTo(CpuMask.of(3));
    assertThat(d.affinity()).isEqualTo(CpuMask.of(3));
    assertThat(r.log()).noneMatch(l -> l.startsWith("IRQ " + d.irq() + ": no longer affine"));
  }

  @Test
  void aPendingMoveToTheDyingCpuAloneIsDropped() {
    r = new HotplugRig(MIXED);
    String n = nic1On(2);
    IrqDesc d = r.desc(n);
    r.onTask(() -> ProcIrq.writeSmpAffinityList(r.k, r.irq(n), CpuMask.of(1)));
    r.cpuDown(1);
    assertThat(d.data().is(IrqdState.SETAFFINITY_PENDING)).isFalse();
    assertThat(d.effectiveAffinity()).isEqualTo(CpuMask.of(2));
  }

  @Test
  void anUnmanagedIrqStaysInsideItsMaskWhenItCan() {
    r = new HotplugRig(MIXED);
    String n = nic1On(1);
    r.cpuDown(1);
    assertThat(r.desc(n).effectiveAffinity()).isEqualTo(CpuMask.of(2));
    assertThat(r.desc(n).affinity()).isEqualTo(CpuMask.of(1, 2));
    assertThat(r.log()).noneMatch(l -> l.startsWith("IRQ " + r.irq(n) + ": no longer affine"));
    r.complete("nic1", Integer.parseInt(n.substring(n.length() - 1)));
    assertThat(r.desc(n).count(2)).isEqualTo(1);
  }

  @Test
  void anUnmanagedIrqWithNoOnlineCpuLeftGoesToAnyOnlineCpu() {
    r = new HotplugRig(MIXED);
    IrqDesc d = r.desc("nic2/msix/0");
    r.cpuDown(1);
    assertThat(d.affinity()).isEqualTo(CpuMask.of(0, 2, 3));
    assertThat(d.effectiveAffinity().isSubsetOf(CpuMask.of(0, 2, 3))).isTrue();
    assertThat(r.k.log().lines()).anyMatch(l -> l.level().equals("debug")
        && l.text().equals("IRQ " + d.irq() + ": no longer affine to CPU1"));
    r.cpuUp(1);
    assertThat(d.affinity()).as("an unmanaged irq does not go back").isEqualTo(CpuMask.of(0, 2, 3));
    r.complete("nic2", 0);
    assertThat(r.dev("nic2").outstanding(0)).isZero();
  }

  @Test
  void noSpaceInTheMaskRetriesWithEveryOnlineCpu() {
    r = new HotplugRig("""
        name: full-cpu2
        machine: { cpus: 4 }
        devices:
          - { id: big, type: nic, msix: { table: 201 }, queues: 1 }
          - { id: nic0, type: nic, msix: { table: 1 }, queues: 1 }
        drivers:
          - { device: big, vectors: { min: 201, max: 201, kind: msix, affinity: [2] } }
          - { device: nic0, vectors: { min: 1, max: 1, kind: msix, affinity: [1, 2] } }
        """);
    assertThat(r.k.matrix().available(2)).isZero();
    IrqDesc d = r.desc("nic0/msix/0");
    assertThat(d.effectiveAffinity()).isEqualTo(CpuMask.of(1));
    assertThat(r.cpuDown(1)).isNull();
    assertThat(d.affinity()).isEqualTo(CpuMask.of(0, 2, 3));
    assertThat(d.effectiveAffinity().isSubsetOf(CpuMask.of(0, 3))).isTrue();
    assertThat(r.log()).contains("IRQ " + d.irq() + ": no longer affine to CPU1");
  }

  /** Everything the refusal must leave alone. */
  private static List<Object> snapshot(Kernel k) {
    List<Object> s = new ArrayList<>();
    VectorMatrix mx = k.matrix();
    s.add(k.onlineMask().toList());
    s.add(mx.debugShow());
    for (int c = 0; c < k.nrCpus(); c++) {
      s.add(List.of(mx.available(c), mx.allocated(c), mx.managed(c), mx.managedAllocated(c), k.cpu(c).online(),
          k.cpu(c).interruptsEnabled()));
    }
    k.descs().forEach(irq -> {
      IrqDesc d = k.descs().get(irq);
      ApicChipData a = VectorDomain.apicChipData(d.data());
      s.add(List.of(irq, d.state(), d.depth(), d.affinity().toList(), d.effectiveAffinity().toList(),
          a.vector(), a.cpu(), a.prevVector()));
    });
    return s;
  }

  @Test
  void offlineIsRefusedWithEnospcWhenTheOthersCannotTakeTheVectorsAndNothingChanges() {
    r = new HotplugRig("""
        name: enospc
        machine: { cpus: 2 }
        devices:
          - { id: nic0, type: nic, msix: { table: 150 }, queues: 2 }
          - { id: nic1, type: nic, msix: { table: 120 }, queues: 2 }
        drivers:
          - { device: nic0, vectors: { min: 150, max: 150, kind: msix, affinity: [1] } }
          - { device: nic1, vectors: { min: 120, max: 120, kind: msix, affinity: [0] } }
        """);
    List<Object> before = snapshot(r.k);
    KernelException e = r.cpuDown(1);
    assertThat(e).isNotNull();
    assertThat(e.errno()).isEqualTo(Errno.ENOSPC);
    assertThat(r.k.log().lines()).anyMatch(l -> l.level().equals("warn")
        && l.text().equals("CPU 1 has 150 vectors, 81 available. Cannot disable CPU"));
    assertThat(snapshot(r.k)).isEqualTo(before);
    r.complete("nic0", 0);
    assertThat(r.desc("nic0/msix/0").count(1)).as("CPU 1 still takes interrupts").isEqualTo(1);

    r.onTask(() -> r.m.binding("nic1").driver().remove());
    assertThat(r.cpuDown(1)).isNull();
    assertThat(r.k.matrix().allocated(0)).isEqualTo(150);
  }

  @Test
  void cpu0IsNotHotpluggableAndRepeatedWritesChangeNothing() {
    r = new HotplugRig(MIXED);
    // arch/x86/kernel/setup.c arch_cpu_is_hotpluggable (cpu > 0): CPU 0 has no online file, and
    // a shell's write to a missing sysfs file fails in fs/namei.c lookup_open with -EACCES.
    assertThat(r.cpuDown(0).errno()).isEqualTo(Errno.EACCES);
    boolean[] changed = new boolean[4];
    r.onTask(() -> changed[0] = r.k.smpBoot().cpuUp(2));
    r.onTask(() -> changed[1] = r.k.smpBoot().cpuDown(2));
    r.onTask(() -> changed[2] = r.k.smpBoot().cpuDown(2));
    r.onTask(() -> changed[3] = r.k.smpBoot().cpuUp(2));
    assertThat(changed).containsExactly(false, true, false, true);
    assertThat(r.k.onlineMask()).isEqualTo(CpuMask.first(4));
  }

  @Test
  void aVectorStillPendingInTheDyingCpusIrrIsRaisedAgainOnTheNewTarget() {
    r = new HotplugRig(MIXED);
    IrqDesc d = r.desc("nic2/msix/0");
    int v = r.apic("nic2/msix/0").vector();
    // nic2 completes work while CPU 1 goes down: its message reaches CPU 1, whose interrupts are
    // off, before nic2's own migration rewrites the entry. The first matrix operation of the
    // migration (nic1's new vector) is the moment.
    boolean[] fired = new boolean[1];
    r.k.matrix().setTrace(line -> {
      if (!fired[0] && line.startsWith("irq_matrix_alloc:")) {
        fired[0] = true;
        r.dev("nic2").complete(0);
      }
    });
    r.cpuDown(1);
    r.k.matrix().setTrace(null);
    assertThat(fired[0]).isTrue();
    assertThat(r.k.cpu(1).apic().irrPending(v)).as("still latched on the dead CPU").isTrue();
    assertThat(r.k.vectorDomain().vectorIrq(1, v)).isSameAs(VectorDomain.VECTOR_RETRIGGERED);
    assertThat(r.dev("nic2").outstanding(0)).as("fixup_irqs retriggered it on the new target").isZero();
    assertThat(r.delivered("nic2/msix/0")).isEqualTo(1);
    assertThat(d.count(1)).isZero();
    r.cpuUp(1);
    assertThat(r.k.cpu(1).apic().irrPending(v)).as("INIT clears the IRR").isFalse();
    assertThat(r.k.vectorDomain().vectorIrq(1, v)).isNull();
  }

  @Test
  void anOldVectorAwaitingCleanupOnTheDyingCpuIsFreedAtOnce() {
    r = new HotplugRig(MIXED);
    String n = nic1On(1);
    int queue = Integer.parseInt(n.substring(n.length() - 1));
    ApicChipData a = r.apic(n);
    int old = a.vector();
    r.onTask(() -> ProcIrq.writeSmpAffinityList(r.k, r.irq(n), CpuMask.of(3)));
    r.complete("nic1", queue); // on CPU 1: the ack path moves it to CPU 3
    r.complete("nic1", queue); // on CPU 3: the move completes, cleanup queued on CPU 1
    assertThat(a.cleanupPending()).isTrue();
    assertThat(r.k.vectorDomain().cleanupQueued(1)).isEqualTo(1);
    assertThat(r.k.matrix().isUsed(1, old)).isTrue();

    r.cpuDown(1);
    assertThat(a.prevVector()).isZero();
    assertThat(a.cleanupPending()).isFalse();
    assertThat(r.k.vectorDomain().cleanupQueued(1)).isZero();
    assertThat(r.k.matrix().isUsed(1, old)).isFalse();
    assertThat(r.log()).noneMatch(l -> l.startsWith("IRQ fixup"));
    r.advance(Kernel.JIFFY_NS * 2); // the cancelled cleanup timer does not fire
  }

  @Test
  void offlineCpusLeaveTheProcInterruptsColumnsAndTheVectorFile() {
    r = new HotplugRig(MIXED);
    r.cpuDown(2);
    assertThat(irqlab.report.ProcInterrupts.header(r.k, 3)).isEqualTo(
        "           CPU0       CPU1       CPU3       \n");
    String vector = r.k.matrix().debugShow();
    assertThat(vector).contains("Online bitmaps:        3\n");
    assertThat(vector.lines().filter(l -> l.matches(" +2 +[0-9].*"))).isEmpty();
  }
}
