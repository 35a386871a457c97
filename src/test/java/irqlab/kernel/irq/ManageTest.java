package irqlab.kernel.irq;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.exec.Actor;
import irqlab.exec.Event;
import irqlab.kernel.Errno;
import irqlab.kernel.Kernel;
import irqlab.kernel.KernelException;
import irqlab.kernel.KernelLog;
import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.x86.ApicChipData;
import irqlab.kernel.x86.VectorDomain;
import irqlab.sim.Machine;
import irqlab.sim.TestMachines;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * request_irq, free_irq, enable_irq and the affinity calls of kernel/irq/manage.c on a NIC's
 * MSI-X line, the driver's own action freed first so that the test installs its own: the shared
 * action chain (__setup_irq), the "Flags mismatch" refusal, what the first action resets,
 * __free_irq's shutdown and deactivation, irq_set_affinity_deactivated and irq_setup_affinity.
 */
class ManageTest {
  private static final IrqHandler CLAIM = (n, d) -> IrqReturn.HANDLED;

  private final Machine m = TestMachines.boot(TestMachines.nic(4, 1, "none", null), 1);
  private final Kernel k = m.kernel();
  private final int irq = m.binding("nic0").driver().irq(0);
  private final IrqDesc desc = k.descs().get(irq);
  private final Object devA = new Object();
  private final Object devB = new Object();
  private final Object devC = new Object();

  @BeforeEach
  void freeTheDriversAction() {
    assertThat(task(() -> m.binding("nic0").driver().freeIrq(0))).isNull();
    assertThat(desc.action()).isNull();
  }

  @AfterEach
  void close() {
    m.close();
  }

  /** Runs {@code r} as a kernel task on CPU 0 now, to completion; returns the kernel error it threw. */
  private KernelException task(Runnable r) {
    return TestMachines.onTaskError(m, r);
  }

  private IrqAction request(int flags, String name, Object dev) {
    List<IrqAction> out = new ArrayList<>();
    KernelException e = task(() -> out.add(k.manage().requestIrq(irq, CLAIM, flags, name, dev)));
    assertThat(e).as("request_irq %s", name).isNull();
    return out.get(0);
  }

  private List<String> chain() {
    List<String> names = new ArrayList<>();
    for (IrqAction a = desc.action(); a != null; a = a.next()) {
      names.add(a.name());
    }
    return names;
  }

  private List<String> lines(String level) {
    return k.log().lines().stream().filter(l -> l.level().equals(level)).map(KernelLog.Line::text).toList();
  }

  private ApicChipData apic() {
    return VectorDomain.apicChipData(desc.data());
  }

  @Test
  void sharedActionsAreAppendedAndFreeingOneKeepsTheLineStarted() {
    request(IrqAction.IRQF_SHARED, "a", devA);
    request(IrqAction.IRQF_SHARED, "b", devB);
    request(IrqAction.IRQF_SHARED, "c", devC);
    assertThat(chain()).containsExactly("a", "b", "c");

    // free_irq returns the freed action's devname; the others stay, the line stays up.
    String[] name = new String[1];
    assertThat(task(() -> name[0] = k.manage().freeIrq(irq, devB))).isNull();
    assertThat(name[0]).isEqualTo("b");
    assertThat(chain()).containsExactly("a", "c");
    assertThat(desc.data().is(IrqdState.IRQ_STARTED)).isTrue();
    assertThat(desc.data().is(IrqdState.ACTIVATED)).isTrue();

    assertThat(task(() -> name[0] = k.manage().freeIrq(irq, devA))).isNull();
    assertThat(name[0]).isEqualTo("a");
    assertThat(chain()).containsExactly("c");

    // The last action: irq_shutdown under the lock, irq_domain_deactivate_irq after the sync.
    assertThat(task(() -> name[0] = k.manage().freeIrq(irq, devC))).isNull();
    assertThat(name[0]).isEqualTo("c");
    assertThat(desc.action()).isNull();
    assertThat(desc.data().is(IrqdState.IRQ_STARTED)).isFalse();
    assertThat(desc.data().is(IrqdState.ACTIVATED)).isFalse();
    assertThat(desc.depth()).isEqualTo(1);
  }

  @Test
  void requestIrqReturnsTheActionItInstalled() {
    IrqAction a = request(IrqAction.IRQF_SHARED, "a", devA);
    IrqAction b = request(IrqAction.IRQF_SHARED, "b", devB);
    assertThat(desc.action()).isSameAs(a);
    assertThat(a.next()).isSameAs(b);
    assertThat(b.name()).isEqualTo("b");
    assertThat(b.devId()).isSameAs(devB);
    assertThat(b.flags()).isEqualTo(IrqAction.IRQF_SHARED);
  }

  @Test
  void theLastEnableMarksTheLineNoprobe() {
    request(0, "a", devA);
    assertThat(desc.status() & IrqDesc.STATUS_NOPROBE).isZero();
    task(() -> k.manage().disableIrq(irq));
    task(() -> k.manage().enableIrq(irq));
    // __enable_irq, case 1: irq_settings_set_noprobe before irq_startup.
    assertThat(desc.status() & IrqDesc.STATUS_NOPROBE).isEqualTo(IrqDesc.STATUS_NOPROBE);
    assertThat(desc.depth()).isZero();
  }

  @Test
  void enableIrqOfALineWithoutChipWarns() {
    int bare = k.descs().allocate(k.descs().dynamicLowerBound(), 1, d -> new IrqData(d, null), CpuMask.first(4));
    int w = k.log().warnings();
    assertThat(task(() -> k.manage().enableIrq(bare))).isNull();
    // enable_irq: WARN(!desc->irq_data.chip, "enable_irq before setup/request_irq: irq %u\n", irq)
    assertThat(k.log().warningsSince(w)).containsExactly("enable_irq before setup/request_irq: irq " + bare);
    assertThat(k.descs().get(bare).depth()).isEqualTo(1);
    // request_irq on it: no chip is ENOSYS (__setup_irq: desc->irq_data.chip == &no_irq_chip).
    KernelException e = task(() -> k.manage().requestIrq(bare, CLAIM, 0, "x", devA));
    assertThat(e.errno()).isEqualTo(Errno.ENOSYS);
    // An irq number without descriptor is EINVAL.
    e = task(() -> k.manage().enableIrq(bare + 4096));
    assertThat(e.errno()).isEqualTo(Errno.EINVAL);
  }

  @Test
  void freeingAnUnknownDevIdWarnsAndReturnsNull() {
    request(IrqAction.IRQF_SHARED, "a", devA);
    int warnings = k.log().warnings();
    String[] name = {"unset"};
    assertThat(task(() -> name[0] = k.manage().freeIrq(irq, devB))).isNull();
    assertThat(name[0]).isNull();
    // __free_irq: WARN(1, "Trying to free already-free IRQ %d\n", irq)
    assertThat(k.log().warningsSince(warnings)).containsExactly("Trying to free already-free IRQ " + irq);
    assertThat(chain()).containsExactly("a");
  }

  @Test
  void flagsMismatchIsEbusyWithTheKernelsMessage() {
    request(IrqAction.IRQF_SHARED | IrqAction.IRQF_ONESHOT, "a", devA);
    // __setup_irq: both must be IRQF_SHARED with the same trigger and ONESHOT bits; its pr_err
    // carries manage.c's pr_fmt, "genirq: ".
    KernelException e = task(() -> k.manage().requestIrq(irq, CLAIM, IrqAction.IRQF_SHARED, "b", devB));
    assertThat(e).isNotNull();
    assertThat(e.errno()).isEqualTo(Errno.EBUSY);
    assertThat(lines("err")).contains(String.format("genirq: Flags mismatch irq %d. 00000080 (b) vs. 00002080 (a)", irq));
    // Trigger bits differ.
    e = task(() -> k.manage().requestIrq(irq, CLAIM, IrqAction.IRQF_SHARED | IrqAction.IRQF_ONESHOT | 0x1, "c", devC));
    assertThat(e.errno()).isEqualTo(Errno.EBUSY);
    assertThat(lines("err")).contains(String.format("genirq: Flags mismatch irq %d. 00002081 (c) vs. 00002080 (a)", irq));
    assertThat(chain()).containsExactly("a");
    // The same flags join.
    request(IrqAction.IRQF_SHARED | IrqAction.IRQF_ONESHOT, "d", devB);
    assertThat(chain()).containsExactly("a", "d");
  }

  @Test
  void aNonSharedLineTakesNoSecondAction() {
    request(0, "a", devA);
    KernelException e = task(() -> k.manage().requestIrq(irq, CLAIM, IrqAction.IRQF_SHARED, "b", devB));
    assertThat(e.errno()).isEqualTo(Errno.EBUSY);
    assertThat(lines("err")).contains(String.format("genirq: Flags mismatch irq %d. 00000080 (b) vs. 00000000 (a)", irq));
    assertThat(chain()).containsExactly("a");
  }

  @Test
  void badArgumentsAreEinvalAndInstallNothing() {
    // request_threaded_irq: IRQF_SHARED without dev_id, or no handler at all, is -EINVAL.
    KernelException e = task(() -> k.manage().requestIrq(irq, CLAIM, IrqAction.IRQF_SHARED, "a", null));
    assertThat(e.errno()).isEqualTo(Errno.EINVAL);
    e = task(() -> k.manage().requestIrq(irq, null, 0, "a", devA));
    assertThat(e.errno()).isEqualTo(Errno.EINVAL);
    assertThat(desc.action()).isNull();
    assertThat(desc.data().is(IrqdState.IRQ_STARTED)).isFalse();
    // A non-shared line may have a null dev_id.
    request(0, "a", null);
    assertThat(chain()).containsExactly("a");
  }

  @Test
  void theFirstActionResetsTheLineStateAndAppliesItsFlags() {
    task(() -> {
      desc.lock().lock();
      try {
        desc.setIstate(IrqsState.SPURIOUS_DISABLED | IrqsState.WAITING | IrqsState.AUTODETECT | IrqsState.REPLAY);
        desc.data().set(IrqdState.IRQ_INPROGRESS);
        desc.setIrqCount(99_000);
        desc.setIrqsUnhandled(99_000);
      } finally {
        desc.lock().unlock();
      }
    });
    request(IrqAction.IRQF_ONESHOT | IrqAction.IRQF_NOBALANCING, "a", devA);
    // __setup_irq clears AUTODETECT, SPURIOUS_DISABLED, ONESHOT and WAITING (REPLAY stays) and
    // IRQD_IRQ_INPROGRESS, then sets IRQS_ONESHOT and IRQ_NO_BALANCING from the flags.
    assertThat(desc.istate(IrqsState.SPURIOUS_DISABLED | IrqsState.WAITING | IrqsState.AUTODETECT)).isFalse();
    assertThat(desc.istate(IrqsState.ONESHOT)).isTrue();
    assertThat(desc.data().is(IrqdState.IRQ_INPROGRESS)).isFalse();
    assertThat(desc.data().is(IrqdState.NO_BALANCING)).isTrue();
    assertThat(desc.status() & IrqDesc.STATUS_NOBALANCING).isEqualTo(IrqDesc.STATUS_NOBALANCING);
    assertThat(desc.irqCount()).isZero();
    assertThat(desc.irqsUnhandled()).isZero();
    assertThat(desc.depth()).isZero();
    assertThat(desc.data().is(IrqdState.IRQ_STARTED)).isTrue();
    assertThat(desc.data().is(IrqdState.ACTIVATED)).isTrue();
  }

  @Test
  void withoutOneshotTheLineHasNoOneshotState() {
    task(() -> {
      desc.lock().lock();
      try {
        desc.setIstate(IrqsState.ONESHOT);
      } finally {
        desc.lock().unlock();
      }
    });
    request(0, "a", devA);
    assertThat(desc.istate(IrqsState.ONESHOT)).isFalse();
    assertThat(desc.data().is(IrqdState.NO_BALANCING)).isFalse();
  }

  @Test
  void aSharedActionResetsTheCountsAndReenablesALineTheSpuriousDetectorDisabled() {
    request(IrqAction.IRQF_SHARED, "a", devA);
    // What note_interrupt does to a line it gives up on (kernel/irq/spurious.c): SPURIOUS_DISABLED,
    // depth++ and irq_disable.
    task(() -> {
      k.manage().disableIrqNosync(irq);
      desc.lock().lock();
      try {
        desc.setIstate(IrqsState.SPURIOUS_DISABLED);
        desc.setIrqCount(5_000);
        desc.setIrqsUnhandled(4_000);
      } finally {
        desc.lock().unlock();
      }
    });
    assertThat(desc.depth()).isEqualTo(1);
    assertThat(desc.data().is(IrqdState.IRQ_DISABLED)).isTrue();
    request(IrqAction.IRQF_SHARED, "b", devB);
    assertThat(desc.istate(IrqsState.SPURIOUS_DISABLED)).isFalse();
    assertThat(desc.depth()).isZero();
    assertThat(desc.data().is(IrqdState.IRQ_DISABLED)).isFalse();
    assertThat(desc.irqCount()).isZero();
    assertThat(desc.irqsUnhandled()).isZero();
  }

  @Test
  void aSharedActionLeavesADriversDisableAlone() {
    request(IrqAction.IRQF_SHARED, "a", devA);
    task(() -> k.manage().disableIrq(irq));
    request(IrqAction.IRQF_SHARED, "b", devB);
    assertThat(desc.depth()).isEqualTo(1);
    assertThat(desc.data().is(IrqdState.IRQ_DISABLED)).isTrue();
  }

  @Test
  void requestAndFreeMaySleep() {
    // __setup_irq and __free_irq take desc->request_mutex: might_sleep in atomic context is a BUG.
    task(() -> {
      boolean f = k.localIrqSave();
      try {
        k.manage().requestIrq(irq, CLAIM, 0, "a", devA);
      } finally {
        k.localIrqRestore(f);
      }
    });
    assertThat(lines("err")).contains("BUG: sleeping function called from invalid context at request_irq");
    task(() -> {
      boolean f = k.localIrqSave();
      try {
        k.manage().freeIrq(irq, devA);
      } finally {
        k.localIrqRestore(f);
      }
    });
    assertThat(lines("err")).contains("BUG: sleeping function called from invalid context at free_irq");
  }

  @Test
  void anAffinityWrittenToADeactivatedLineIsRecordedAndUsedByTheNextActivation() {
    // irq_set_affinity_deactivated: x86 vectors are IRQD_AFFINITY_ON_ACTIVATE; a deactivated
    // line only records the mask, the chip is not called.
    assertThat(desc.data().is(IrqdState.ACTIVATED)).isFalse();
    desc.data().clear(IrqdState.AFFINITY_SET);
    assertThat(task(() -> k.manage().irqSetAffinity(irq, CpuMask.of(3), false))).isNull();
    assertThat(desc.affinity()).isEqualTo(CpuMask.of(3));
    assertThat(desc.effectiveAffinity()).isEqualTo(CpuMask.of(3));
    assertThat(desc.data().is(IrqdState.AFFINITY_SET)).isTrue();
    assertThat(desc.data().is(IrqdState.SETAFFINITY_PENDING)).isFalse();
    // request_irq activates it (x86_vector_activate assigns a vector on the recorded CPU), and
    // irq_setup_affinity keeps the mask the user set.
    request(0, "a", devA);
    assertThat(desc.affinity()).isEqualTo(CpuMask.of(3));
    assertThat(desc.effectiveAffinity()).isEqualTo(CpuMask.of(3));
    assertThat(apic().cpu()).isEqualTo(3);
  }

  @Test
  void aLineWithoutAUserMaskStartsOnAllCpus() {
    task(() -> k.manage().irqSetAffinity(irq, CpuMask.of(2), false));
    desc.data().clear(IrqdState.AFFINITY_SET);
    request(0, "a", devA);
    // irq_setup_affinity: no IRQD_AFFINITY_SET, so irq_default_affinity (all CPUs).
    assertThat(desc.affinity()).isEqualTo(CpuMask.first(4));
  }

  @Test
  void aUserMaskWhoseCpusAreAllOfflineIsDroppedAtStartup() {
    task(() -> k.manage().irqSetAffinity(irq, CpuMask.of(3), false));
    assertThat(task(() -> k.smpBoot().cpuDown(3))).isNull();
    request(0, "a", devA);
    // irq_setup_affinity: the set mask has no online CPU, so IRQD_AFFINITY_SET goes and the line
    // takes the default affinity's online part.
    assertThat(desc.data().is(IrqdState.AFFINITY_SET)).isFalse();
    assertThat(desc.affinity()).isEqualTo(CpuMask.first(3));
    assertThat(desc.effectiveAffinity().isSubsetOf(CpuMask.first(3))).isTrue();
  }

  /** The NIC completes one work item now, from its own actor: one MSI-X message. */
  private void interrupt() {
    var dev = m.binding("nic0").device();
    k.exec().schedule(Event.of(k.exec().newActor("nic0-work", Actor.Kind.DEVICE, -1), () -> dev.complete(0)),
        k.exec().now());
    TestMachines.rt(m).runToQuiescence();
  }

  @Test
  void aMoveOfAnActiveMsiLineWaitsForTheNextInterruptAndMarksTheMaskSet() {
    request(0, "a", devA);
    CpuMask before = desc.affinity();
    desc.data().clear(IrqdState.AFFINITY_SET);
    assertThat(task(() -> k.manage().irqSetAffinity(irq, CpuMask.of(2), false))).isNull();
    // irq_set_affinity_locked: x86 MSI without remapping is not IRQD_MOVE_PCNTXT, so the move is
    // pending (irq_copy_pending) and done by the next interrupt (irq_move_masked_irq).
    assertThat(desc.data().is(IrqdState.SETAFFINITY_PENDING)).isTrue();
    assertThat(desc.pendingMask()).isEqualTo(CpuMask.of(2));
    assertThat(desc.data().is(IrqdState.AFFINITY_SET)).isTrue();
    assertThat(desc.affinity()).isEqualTo(before);
    interrupt();
    assertThat(desc.data().is(IrqdState.SETAFFINITY_PENDING)).isFalse();
    assertThat(desc.affinity()).isEqualTo(CpuMask.of(2));
    assertThat(apic().cpu()).isEqualTo(2);
    // A restart keeps it (irq_setup_affinity with IRQD_AFFINITY_SET).
    task(() -> k.manage().freeIrq(irq, devA));
    request(0, "a", devA);
    assertThat(desc.affinity()).isEqualTo(CpuMask.of(2));
    assertThat(apic().cpu()).isEqualTo(2);
  }

  @Test
  void anAffinityHintIsRecordedAndAppliedOnlyWhenAsked() {
    request(0, "a", devA);
    // irq_update_affinity_hint: the hint only.
    task(() -> k.manage().applyAffinityHint(irq, CpuMask.of(1), false));
    assertThat(desc.affinityHint()).isEqualTo(CpuMask.of(1));
    assertThat(desc.data().is(IrqdState.SETAFFINITY_PENDING)).isFalse();
    // irq_set_affinity_and_hint: the hint, and the mask applied (pending until the next interrupt).
    task(() -> k.manage().applyAffinityHint(irq, CpuMask.of(2), true));
    assertThat(desc.affinityHint()).isEqualTo(CpuMask.of(2));
    assertThat(desc.pendingMask()).isEqualTo(CpuMask.of(2));
    interrupt();
    assertThat(desc.affinity()).isEqualTo(CpuMask.of(2));
    assertThat(apic().cpu()).isEqualTo(2);
    // A NULL hint clears it and moves nothing.
    task(() -> k.manage().applyAffinityHint(irq, null, true));
    assertThat(desc.affinityHint()).isNull();
    assertThat(desc.data().is(IrqdState.SETAFFINITY_PENDING)).isFalse();
  }
}
