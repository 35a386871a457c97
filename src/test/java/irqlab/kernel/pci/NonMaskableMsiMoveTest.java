package irqlab.kernel.pci;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.exec.Actor;
import irqlab.exec.Event;
import irqlab.hw.PlatformBus;
import irqlab.hw.pci.Bdf;
import irqlab.hw.pci.MsiShape;
import irqlab.hw.pci.PciFunction;
import irqlab.hw.cpu.Cpu;
import irqlab.kernel.Kernel;
import irqlab.kernel.KernelProfile;
import irqlab.kernel.Variants;
import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.iommu.IommuOptions;
import irqlab.kernel.irq.IrqReturn;
import irqlab.kernel.irq.IrqdState;
import irqlab.kernel.irq.ProcIrq;
import irqlab.kernel.x86.ApicChipData;
import irqlab.kernel.x86.VectorDomain;
import irqlab.sim.run.RunRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * x86 msi_set_affinity without remapping (arch/x86/kernel/apic/msi.c). The detour of commit
 * 6f1a4891a592 goes through {old CPU, new vector}, with that vector marked VECTOR_RETRIGGERED on
 * the old CPU, and a hit on it is retriggered on the new target; a direct write goes {new CPU, old
 * vector} first. Which one a line gets depends on the version: 6.12.117 tests
 * !irqd_can_reserve(irqd) (b56ebe7c896d), so the non-maskable MSI goes direct and the maskable one
 * detours; the msi-nomask-detour variant is the reverse, as the changelog intends; the 6.6 profile
 * and msi-direct-update never detour. The device sees every intermediate address/data pair.
 */
class NonMaskableMsiMoveTest {
  /** What the device would send now: destination APIC id and vector. */
  record Pair(int cpu, int vector) {}

  /** A function that records its MSI pair after every config write and can signal at a chosen one. */
  static final class WatchedFunction extends PciFunction {
    final List<Pair> pairs = new ArrayList<>();
    BiPredicate<Integer, Integer> fireAt = (c, v) -> false;
    boolean fired;

    WatchedFunction(RunRuntime exec, PlatformBus bus, String bdf, MsiShape shape) {
      super(exec, bus, Bdf.parse(bdf), 0x8086, 0x2922, 0, shape);
    }

    @Override
    public void configWrite16(int off, int value) {
      super.configWrite16(off, value);
      observe();
    }

    @Override
    public void configWrite32(int off, int value) {
      super.configWrite32(off, value);
      observe();
    }

    private void observe() {
      if (msi() == null || !msiEnabled()) {
        return;
      }
      Pair p = new Pair((int) ((msi().address() >>> 12) & 0xff), msi().data() & 0xff);
      if (pairs.isEmpty() || !pairs.get(pairs.size() - 1).equals(p)) {
        pairs.add(p);
      }
      if (!fired && fireAt.test(p.cpu(), p.vector())) {
        fired = true;
        signal(0); // the device raises an interrupt right between two writes
      }
    }
  }

  private final RunRuntime exec = new RunRuntime(1);
  private final List<Cpu> cpus = List.of(new Cpu(0, 0), new Cpu(1, 1));
  private final PlatformBus bus = new PlatformBus(exec, cpus);
  private Kernel k;
  private WatchedFunction fn;
  private PciDev dev;
  private int irq;
  private final int[] handled = new int[2];

  private void onTask(Runnable r) {
    Actor a = exec.newActor("task", Actor.Kind.TASK, 0);
    exec.schedule(Event.of(a, r), exec.now());
    exec.runUntil(exec.now());
  }

  /**
   * Boots a kernel with {@code variants}, gives {@code shape}'s device a vector on CPU 0 and
   * requests it. With {@code hole}, another device took CPU 0's first vector before and freed it,
   * so the device's vector on CPU 0 differs from the one CPU 1 will hand out, and neither is in
   * use on the other CPU.
   */
  private void boot(MsiShape shape, boolean hole, String... variants) {
    boot(KernelProfile.V6_12, shape, hole, variants);
  }

  private void boot(KernelProfile profile, MsiShape shape, boolean hole, String... variants) {
    k = new Kernel(exec, cpus, profile, new Variants(List.of(variants)), true, IommuOptions.NONE);
    WatchedFunction other = new WatchedFunction(exec, bus, "0000:00:04.0", MsiShape.legacy());
    PciDev otherDev = new PciDev(other);
    fn = new WatchedFunction(exec, bus, "0000:00:05.0", shape);
    dev = new PciDev(fn);
    onTask(() -> {
      if (hole) {
        k.pciMsi().allocIrqVectors(otherDev, 1, 1, PciMsi.PCI_IRQ_MSI, null, List.of(CpuMask.of(0)));
      }
      k.pciMsi().allocIrqVectors(dev, 1, 1, PciMsi.PCI_IRQ_MSI, null, List.of(CpuMask.of(0)));
      irq = k.pciMsi().irqVector(dev, 0);
      k.manage().requestIrq(irq, (i, id) -> {
        handled[k.smpProcessorId()]++;
        return IrqReturn.HANDLED;
      }, 0, "dev", this);
      if (hole) {
        k.pciMsi().freeIrqVectors(otherDev);
      }
    });
    fn.pairs.clear();
  }

  private ApicChipData apic() {
    return VectorDomain.apicChipData(k.descs().get(irq).data());
  }

  /** Writes the affinity (a pending move) and lets the device interrupt CPU 0, whose ack moves it. */
  private void moveToCpu1() {
    onTask(() -> ProcIrq.writeSmpAffinityList(k, irq, CpuMask.of(1)));
    Actor device = exec.newActor("device", Actor.Kind.DEVICE, -1);
    exec.schedule(Event.of(device, () -> fn.signal(0)), exec.now());
    exec.runUntil(exec.now());
  }

  /**
   * 6.12.117: msi_init_virq clears IRQD_CAN_RESERVE of a non-maskable MSI (kernel/irq/msi.c,
   * msi_check_reservation_mode says no), so msi_set_affinity's first test, !irqd_can_reserve(),
   * sends it straight to the direct write: {new CPU, old vector} is on the wire between the
   * address and the data write, and a device signalling there hits a vector CPU 1 lacks.
   */
  @Test
  void on612TheNonMaskableMsiIsWrittenDirectlyAndCanBeTorn() {
    boot(MsiShape.legacy(), true);
    assertThat(k.descs().get(irq).data().is(IrqdState.CAN_RESERVE)).isFalse();
    assertThat(apic().canReserve()).as("as the reference AHCI: can_reserve 0").isFalse();
    int a = apic().vector();
    fn.fireAt = (cpu, vector) -> cpu == 1 && vector == a;
    moveToCpu1();
    exec.runToQuiescence();
    assertThat(fn.fired).isTrue();
    assertThat(fn.pairs).containsExactly(new Pair(0, a), new Pair(1, a), new Pair(1, apic().vector()));
    assertThat(k.interruptEntry().noHandlerCount(1)).isEqualTo(1);
    assertThat(k.log().lines()).anyMatch(l -> l.text().equals("No irq handler for 1." + a));
    assertThat(handled).as("nothing retriggers it").containsExactly(1, 0);
  }

  /**
   * The detour: 6.12.117 takes it for a maskable MSI, which keeps IRQD_CAN_RESERVE (reservation
   * mode), and msi-nomask-detour for the non-maskable one. The mark on the old CPU stays: nothing
   * hits it (a maskable line is masked by irq_move_irq, and the device does not signal here).
   */
  @ParameterizedTest
  @CsvSource({"true, ''", "false, msi-nomask-detour"})
  void theDetourGoesOverTheNewVectorOnTheOldCpuAndLeavesTheMark(boolean maskable, String variant) {
    String[] variants = variant.isEmpty() ? new String[0] : new String[] {variant};
    boot(maskable ? new MsiShape(1, true, true) : MsiShape.legacy(), true, variants);
    assertThat(k.descs().get(irq).data().is(IrqdState.CAN_RESERVE)).isEqualTo(maskable);
    int a = apic().vector();
    moveToCpu1();
    int b = apic().vector();
    assertThat(apic().cpu()).isEqualTo(1);
    assertThat(b).isNotEqualTo(a);
    assertThat(fn.pairs).containsExactly(new Pair(0, a), new Pair(0, b), new Pair(1, b));
    assertThat(k.vectorDomain().vectorIrq(0, b)).isSameAs(VectorDomain.VECTOR_RETRIGGERED);
    assertThat(handled).containsExactly(1, 0);
  }

  @Test
  void aHitOnTheDetourIsRetriggeredOnTheNewCpuAndDroppedSilentlyOnTheOldOne() {
    boot(MsiShape.legacy(), true, Variants.MSI_NOMASK_DETOUR);
    int a = apic().vector();
    fn.fireAt = (cpu, vector) -> cpu == 0 && vector != a;
    moveToCpu1();
    exec.runToQuiescence();
    int b = apic().vector();
    assertThat(fn.fired).isTrue();
    assertThat(handled).as("the moving interrupt on CPU 0, the retrigger on CPU 1").containsExactly(1, 1);
    assertThat(k.descs().get(irq).count(1)).isEqualTo(1);
    assertThat(k.vectorDomain().vectorIrq(0, b)).as("reset by common_interrupt").isNull();
    assertThat(k.interruptEntry().noHandlerCount(0) + k.interruptEntry().noHandlerCount(1)).isZero();
    assertThat(k.log().lines()).noneMatch(l -> l.text().contains("No irq handler"));
  }

  @Test
  void theNomaskDetourVariantWritesTheMaskableMsiDirectly() {
    boot(new MsiShape(1, true, true), true, Variants.MSI_NOMASK_DETOUR);
    int a = apic().vector();
    moveToCpu1();
    int b = apic().vector();
    assertThat(fn.pairs).containsExactly(new Pair(0, a), new Pair(1, a), new Pair(1, b));
    assertThat(k.vectorDomain().vectorIrq(0, b)).isNotSameAs(VectorDomain.VECTOR_RETRIGGERED);
  }

  /** msi-direct-update (winning over msi-nomask-detour) and the 6.6 profile write every MSI directly. */
  @ParameterizedTest
  @CsvSource({"false, false", "false, true", "true, false", "true, true"})
  void theDirectUpdateVariantAndThe66ProfileNeverDetour(boolean profile66, boolean maskable) {
    MsiShape shape = maskable ? new MsiShape(1, true, true) : MsiShape.legacy();
    if (profile66) {
      boot(KernelProfile.V6_6, shape, true);
    } else {
      boot(shape, true, Variants.MSI_DIRECT_UPDATE, Variants.MSI_NOMASK_DETOUR);
    }
    int a = apic().vector();
    moveToCpu1();
    assertThat(fn.pairs).containsExactly(new Pair(0, a), new Pair(1, a), new Pair(1, apic().vector()));
  }

  @Test
  void theSameVectorOnTheNewCpuNeedsOnlyTheAddressWrite() {
    boot(MsiShape.legacy(), false);
    int a = apic().vector();
    moveToCpu1();
    assertThat(apic().vector()).isEqualTo(a);
    assertThat(fn.pairs).containsExactly(new Pair(0, a), new Pair(1, a));
    assertThat(k.vectorDomain().vectorIrq(0, a)).isInstanceOf(IrqDesc.class); // old vector until cleanup
  }
}
