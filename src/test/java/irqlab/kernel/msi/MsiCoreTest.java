package irqlab.kernel.msi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import irqlab.exec.Actor;
import irqlab.exec.Event;
import irqlab.kernel.Errno;
import irqlab.kernel.Kernel;
import irqlab.kernel.KernelException;
import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.domain.BusToken;
import irqlab.kernel.irq.IrqChip;
import irqlab.kernel.irq.IrqData;
import irqlab.kernel.pci.PciDev;
import irqlab.kernel.x86.X86AllocInfo;
import irqlab.sim.Machine;
import irqlab.sim.TestMachines;
import java.util.function.Supplier;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** The per-device MSI domain API of kernel/irq/msi.c: slots, ranges, errors, rollback. */
class MsiCoreTest {
  private final Machine m = TestMachines.boot(TestMachines.nic(2, 2, "none", null), 1);
  private final Kernel k = m.kernel();
  private final PciDev dev = m.binding("nic0").pci();
  private final MsiCore core = k.msiCore();

  /**
   * A parent that places every interrupt on CPU 0 at allocation, so vectors can run out; after
   * {@code good} allocations it asks for an empty CPU mask instead, which the vector matrix refuses
   * with EINVAL: an error other than ENOSPC from the hierarchy, half way through a range.
   */
  private static final class PinningParent implements MsiParent {
    private int good;

    PinningParent() {
      this(Integer.MAX_VALUE);
    }

    PinningParent(int good) {
      this.good = good;
    }

    @Override
    public String prefix() {
      return "";
    }

    @Override
    public int supportedFlags() {
      return 0;
    }

    @Override
    public boolean supportsBus(BusToken token) {
      return token == BusToken.PCI_DEVICE_MSIX || token == BusToken.PLATFORM_MSI;
    }

    @Override
    public Object allocInfo(MsiDevice d) {
      return new X86AllocInfo(good-- > 0 ? CpuMask.of(0) : CpuMask.EMPTY, 0);
    }

    @Override
    public int setAffinity(IrqData d, CpuMask mask, boolean force) {
      return IrqChip.SET_MASK_OK;
    }
  }

  private static IrqChip chip(String name) {
    return new IrqChip(name, 0) {
      @Override
      public boolean has(Op op) {
        return op == Op.WRITE_MSI_MSG;
      }

      @Override
      public void writeMsiMsg(IrqData d, MsiMsg msg) {}
    };
  }

  private static MsiDomainTemplate template(BusToken token) {
    return new MsiDomainTemplate("TEST-MSI", token,
        MsiDomainTemplate.FLAG_ALLOC_SIMPLE_MSI_DESCS | MsiDomainTemplate.FLAG_FREE_MSI_DESCS
            | MsiDomainTemplate.FLAG_ACTIVATE_EARLY, MsiCoreTest::chip);
  }

  private MsiDeviceDomain secondary(int hwsize, MsiParent parent) {
    return secondary(hwsize, parent, BusToken.PCI_DEVICE_MSIX);
  }

  private MsiDeviceDomain secondary(int hwsize, MsiParent parent, BusToken token) {
    return core.createDeviceDomain(dev, MsiDeviceData.SECONDARY_DOMAIN, template(token), hwsize,
        k.vectorDomain().domain(), parent);
  }

  /** Runs kernel code as a task on CPU 0, as a driver would, and rethrows what it threw. */
  private <T> T onTask(Supplier<T> body) {
    Object[] out = new Object[2];
    k.exec().schedule(Event.of(k.exec().newActor("t", Actor.Kind.TASK, 0), () -> {
      try {
        out[0] = body.get();
      } catch (RuntimeException e) {
        out[1] = e;
      }
    }), k.exec().now());
    irqlab.sim.TestMachines.rt(m).runUntil(k.exec().now());
    if (out[1] != null) {
      throw (RuntimeException) out[1];
    }
    @SuppressWarnings("unchecked")
    T t = (T) out[0];
    return t;
  }

  private static void errno(Errno e, ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOfSatisfying(KernelException.class, x -> assertThat(x.errno()).isEqualTo(e));
  }

  @Test
  void theNicUsesTheDefaultSlotWithAPciMsixDomainNamedAsLinuxNamesIt() {
    MsiDeviceDomain d = dev.msiData().domain(MsiDeviceData.DEFAULT_DOMAIN);
    assertThat(d.domain().name()).isEqualTo("PCI-MSIX-0000:00:03.0");
    assertThat(d.domain().debugfsName()).isEqualTo("PCI-MSIX-0000:00:03.0-12");
    assertThat(d.domain().parent()).isSameAs(k.vectorDomain().domain());
    assertThat(dev.msiData().domain(MsiDeviceData.SECONDARY_DOMAIN)).isNull();
  }

  @Test
  void domainCreationErrors() {
    errno(Errno.EINVAL, () -> core.createDeviceDomain(dev, 2, template(BusToken.PCI_DEVICE_MSIX), 8,
        k.vectorDomain().domain(), new PinningParent()));
    errno(Errno.EINVAL, () -> secondary(65537, new PinningParent()));
    errno(Errno.EEXIST, () -> core.createDeviceDomain(dev, MsiDeviceData.DEFAULT_DOMAIN,
        template(BusToken.PCI_DEVICE_MSIX), 8, k.vectorDomain().domain(), new PinningParent()));
    errno(Errno.ENOTSUPP, () -> core.createDeviceDomain(dev, MsiDeviceData.SECONDARY_DOMAIN,
        template(BusToken.PCI_DEVICE_IMS), 8, k.vectorDomain().domain(), k.msiParent()));
    // A size of 0 means the largest domain, 65536 slots.
    assertThat(secondary(0, new PinningParent()).store().hwsize()).isEqualTo(65536);
  }

  @Test
  void rangeErrors() {
    errno(Errno.EINVAL, () -> core.allocIrqsRange(dev, 7, 0, 0));
    errno(Errno.ENODEV, () -> core.allocIrqsRange(dev, MsiDeviceData.SECONDARY_DOMAIN, 0, 0));
    secondary(16, new PinningParent());
    errno(Errno.EINVAL, () -> core.allocIrqsRange(dev, MsiDeviceData.SECONDARY_DOMAIN, 3, 2));
    errno(Errno.EINVAL, () -> core.allocIrqsRange(dev, MsiDeviceData.SECONDARY_DOMAIN, 10, 16));
  }

  @Test
  void rangeAllocationGivesEachIndexAnInterruptAndFreeReturnsEverything() {
    MsiDeviceDomain d = secondary(16, new PinningParent());
    int before = k.matrix().allocated(0);
    int descsBefore = k.descs().size();
    assertThat(onTask(() -> core.allocIrqsRange(dev, MsiDeviceData.SECONDARY_DOMAIN, 2, 5))).isZero();
    assertThat(d.store().size()).isEqualTo(4);
    for (int i = 2; i <= 5; i++) {
      int irq = d.store().get(i).irq();
      assertThat(irq).isPositive();
      assertThat(k.descs().get(irq).data().hwirq()).isEqualTo(i);
      assertThat(k.descs().get(irq).chip().name()).isEqualTo("TEST-MSI-0000:00:03.0");
    }
    assertThat(k.matrix().allocated(0)).isEqualTo(before + 4);
    onTask(() -> {
      core.freeIrqsRange(dev, MsiDeviceData.SECONDARY_DOMAIN, 0, 15);
      return null;
    });
    assertThat(d.store().size()).isZero();
    assertThat(k.descs().size()).isEqualTo(descsBefore);
    assertThat(k.matrix().allocated(0)).isEqualTo(before);
  }

  @Test
  void aRangeThatFailsHalfWayLeavesNothingAllocated() {
    MsiDeviceDomain d = secondary(400, new PinningParent(), BusToken.PLATFORM_MSI);
    String matrixBefore = k.matrix().debugShow();
    int descsBefore = k.descs().size();
    int free = k.matrix().available(0);
    // CPU 0 has about 200 free vectors: the 300-interrupt range runs out half way.
    errno(Errno.ENOSPC, () -> onTask(() -> core.allocIrqsRange(dev, MsiDeviceData.SECONDARY_DOMAIN, 0, 299)));
    assertThat(d.store().size()).isZero();
    assertThat(k.descs().size()).isEqualTo(descsBefore);
    assertThat(k.matrix().debugShow()).isEqualTo(matrixBefore);
    assertThat(free).isBetween(1, 299);
  }

  @Test
  void aPciRangeThatFailsHalfWayReportsHowManyItGotSoTheCallerCanRetryWithFewer() {
    MsiDeviceDomain d = secondary(400, new PinningParent());
    String matrixBefore = k.matrix().debugShow();
    int free = k.matrix().available(0);
    int got = onTask(() -> core.allocIrqsRange(dev, MsiDeviceData.SECONDARY_DOMAIN, 0, 299));
    assertThat(got).isEqualTo(free);
    assertThat(d.store().size()).isZero();
    assertThat(k.matrix().debugShow()).isEqualTo(matrixBefore);
  }

  @Test
  void allocAtIndexOrAnyTakesTheLowestFreeAndRefusesTakenOrOutOfRangeIndexes() {
    MsiDeviceDomain d = secondary(4, new PinningParent());
    int[] a = onTask(() -> core.allocIrqAt(dev, MsiDeviceData.SECONDARY_DOMAIN, 1, null, 0xabc, null));
    assertThat(a[0]).isEqualTo(1);
    int[] b = onTask(() -> core.allocIrqAt(dev, MsiDeviceData.SECONDARY_DOMAIN, MsiDescStore.ANY_INDEX, null, 7, null));
    assertThat(b[0]).isZero();
    assertThat(d.store().get(1).cookie()).isEqualTo(0xabc);
    errno(Errno.EBUSY, () -> onTask(() -> core.allocIrqAt(dev, MsiDeviceData.SECONDARY_DOMAIN, 1, null, 0, null)));
    errno(Errno.ERANGE, () -> onTask(() -> core.allocIrqAt(dev, MsiDeviceData.SECONDARY_DOMAIN, 4, null, 0, null)));
    onTask(() -> core.allocIrqAt(dev, MsiDeviceData.SECONDARY_DOMAIN, MsiDescStore.ANY_INDEX, null, 0, null));
    onTask(() -> core.allocIrqAt(dev, MsiDeviceData.SECONDARY_DOMAIN, MsiDescStore.ANY_INDEX, null, 0, null));
    // No free index for MSI_ANY_INDEX: msi_insert_desc returns xa_alloc's EBUSY (kernel/irq/msi.c).
    errno(Errno.EBUSY, () -> onTask(() -> core.allocIrqAt(dev, MsiDeviceData.SECONDARY_DOMAIN,
        MsiDescStore.ANY_INDEX, null, 0, null)));
    assertThat(d.store().size()).isEqualTo(4);
  }

  /**
   * kernel/irq/msi.c msi_handle_pci_fail: on a PCI bus an error other than ENOSPC half way through
   * a range answers the count allocated so far (the caller retries with fewer), and ENOSPC when
   * nothing was allocated; on any other bus it is ENOSPC. The whole range is freed either way
   * (msi_domain_alloc_locked).
   */
  @Test
  void aHierarchyErrorOtherThanEnospcBecomesACountOrEnospcAsMsiHandlePciFailSays() {
    String matrixBefore = k.matrix().debugShow();
    MsiDeviceDomain d = secondary(16, new PinningParent(3));
    assertThat(onTask(() -> core.allocIrqsRange(dev, MsiDeviceData.SECONDARY_DOMAIN, 0, 7))).isEqualTo(3);
    assertThat(d.store().size()).isZero();
    assertThat(k.matrix().debugShow()).isEqualTo(matrixBefore);
    core.removeDeviceDomain(dev, MsiDeviceData.SECONDARY_DOMAIN);

    secondary(16, new PinningParent(0));
    errno(Errno.ENOSPC, () -> onTask(() -> core.allocIrqsRange(dev, MsiDeviceData.SECONDARY_DOMAIN, 0, 7)));
    core.removeDeviceDomain(dev, MsiDeviceData.SECONDARY_DOMAIN);

    secondary(16, new PinningParent(3), BusToken.PLATFORM_MSI);
    errno(Errno.ENOSPC, () -> onTask(() -> core.allocIrqsRange(dev, MsiDeviceData.SECONDARY_DOMAIN, 0, 7)));
    assertThat(k.matrix().debugShow()).isEqualTo(matrixBefore);
  }

  /** msi_domain_alloc_irq_at goes through the same msi_handle_pci_fail: ENOSPC, the index freed. */
  @Test
  void allocAtWithAHierarchyErrorIsEnospcAndFreesTheIndex() {
    MsiDeviceDomain d = secondary(4, new PinningParent(0));
    errno(Errno.ENOSPC, () -> onTask(() -> core.allocIrqAt(dev, MsiDeviceData.SECONDARY_DOMAIN, 2, null, 0, null)));
    assertThat(d.store().get(2)).isNull();
  }
  /** The messages a recording chip's lines were last written, by Linux irq. */
  private final java.util.Map<Integer, MsiMsg> written = new java.util.TreeMap<>();

  private IrqChip recordingChip(String name) {
    return new IrqChip(name, 0) {
      @Override
      public boolean has(Op op) {
        return op == Op.WRITE_MSI_MSG;
      }

      @Override
      public void writeMsiMsg(IrqData d, MsiMsg msg) {
        written.put(d.irq(), msg);
      }
    };
  }

  private MsiDeviceDomain recording(int hwsize, int flags) {
    return core.createDeviceDomain(dev, MsiDeviceData.SECONDARY_DOMAIN,
        new MsiDomainTemplate("TEST-MSI", BusToken.PCI_DEVICE_MSIX, flags, this::recordingChip), hwsize,
        k.vectorDomain().domain(), new PinningParent());
  }

  private static final int SIMPLE = MsiDomainTemplate.FLAG_ALLOC_SIMPLE_MSI_DESCS
      | MsiDomainTemplate.FLAG_ACTIVATE_EARLY;

  /** msi_create_device_irq_domain refuses only hwsize > MSI_XA_DOMAIN_SIZE (65536). */
  @Test
  void aDomainOfExactlyTheLargestSizeIsAccepted() {
    assertThat(secondary(65536, new PinningParent()).store().hwsize()).isEqualTo(65536);
  }

  /** MSI_MAX_DEVICE_IRQDOMAINS is 2: ids 0 and 1, anything else EINVAL (msi_get_device_domain). */
  @Test
  void domainIdsOutsideTheTwoSlotsAreEinval() {
    errno(Errno.EINVAL, () -> core.allocIrqsRange(dev, MsiDeviceData.MAX_DEVICE_IRQDOMAINS, 0, 0));
    errno(Errno.EINVAL, () -> core.allocIrqsRange(dev, -1, 0, 0));
    errno(Errno.EINVAL, () -> core.freeIrqsRange(dev, MsiDeviceData.MAX_DEVICE_IRQDOMAINS, 0, 0));
    errno(Errno.EINVAL, () -> core.createDeviceDomain(dev, -1, template(BusToken.PCI_DEVICE_MSIX), 8,
        k.vectorDomain().domain(), new PinningParent()));
  }

  /** msi_init_virq: each interrupt of the range knows its descriptor and device; activation wrote a message. */
  @Test
  void allocatedInterruptsPointAtTheirDescriptorAndGotAMessage() {
    MsiDeviceDomain d = recording(8, SIMPLE | MsiDomainTemplate.FLAG_FREE_MSI_DESCS);
    assertThat(onTask(() -> core.allocIrqsRange(dev, MsiDeviceData.SECONDARY_DOMAIN, 0, 2))).isZero();
    for (int i = 0; i <= 2; i++) {
      MsiDesc md = d.store().get(i);
      assertThat(k.descs().get(md.irq()).msiDesc()).isSameAs(md);
      assertThat(k.descs().get(md.irq()).devName()).isEqualTo("0000:00:03.0");
      assertThat(k.descs().get(md.irq()).data().is(irqlab.kernel.irq.IrqdState.ACTIVATED)).isTrue();
      // x86 compose: 0xfee00000 | destination APIC id << 12, the data the vector.
      assertThat(written.get(md.irq()).addressLo() & 0xfff00000).isEqualTo(0xfee00000);
      assertThat(written.get(md.irq()).data()).isEqualTo(
          irqlab.kernel.x86.VectorDomain.apicChipData(k.descs().get(md.irq()).data()).vector());
    }
  }

  /**
   * __msi_domain_free_irqs: every activated interrupt is deactivated first (msi_domain_deactivate
   * writes an all-zero message), then freed; desc->irq goes back to 0, and the descriptors stay
   * unless the domain frees them (MSI_FLAG_FREE_MSI_DESCS).
   */
  @Test
  void freeDeactivatesWithAZeroMessageAndKeepsDescriptorsTheDomainDoesNotFree() {
    MsiDeviceDomain d = recording(8, SIMPLE);
    int before = k.matrix().allocated(0);
    assertThat(onTask(() -> core.allocIrqsRange(dev, MsiDeviceData.SECONDARY_DOMAIN, 0, 3))).isZero();
    java.util.List<Integer> irqs = new java.util.ArrayList<>();
    for (int i = 0; i <= 3; i++) {
      irqs.add(d.store().get(i).irq());
    }
    onTask(() -> {
      core.freeIrqsRange(dev, MsiDeviceData.SECONDARY_DOMAIN, 1, 2);
      return null;
    });
    for (int i : new int[] {1, 2}) {
      assertThat(written.get(irqs.get(i))).isEqualTo(new MsiMsg(0, 0, 0));
      assertThat(k.descs().get(irqs.get(i))).isNull();
      assertThat(d.store().get(i)).isNotNull();
      assertThat(d.store().get(i).irq()).isZero();
    }
    for (int i : new int[] {0, 3}) {
      assertThat(written.get(irqs.get(i))).isNotEqualTo(new MsiMsg(0, 0, 0));
      assertThat(d.store().get(i).irq()).isEqualTo(irqs.get(i));
    }
    assertThat(d.store().size()).isEqualTo(4);
    assertThat(k.matrix().allocated(0)).isEqualTo(before + 2);
    // A second allocation of the range gives the kept descriptors interrupts again.
    assertThat(onTask(() -> core.allocIrqsRange(dev, MsiDeviceData.SECONDARY_DOMAIN, 0, 3))).isZero();
    assertThat(d.store().get(1).irq()).isPositive();
    assertThat(k.matrix().allocated(0)).isEqualTo(before + 4);
  }

  /** msi_remove_device_irq_domain: what is still allocated is freed with the domain. */
  @Test
  void removingADomainFreesItsInterrupts() {
    recording(16, SIMPLE | MsiDomainTemplate.FLAG_FREE_MSI_DESCS);
    int before = k.matrix().allocated(0);
    int descsBefore = k.descs().size();
    assertThat(onTask(() -> core.allocIrqsRange(dev, MsiDeviceData.SECONDARY_DOMAIN, 10, 15))).isZero();
    assertThat(k.matrix().allocated(0)).isEqualTo(before + 6);
    onTask(() -> {
      core.removeDeviceDomain(dev, MsiDeviceData.SECONDARY_DOMAIN);
      return null;
    });
    assertThat(dev.msiData().domain(MsiDeviceData.SECONDARY_DOMAIN)).isNull();
    assertThat(k.matrix().allocated(0)).isEqualTo(before);
    assertThat(k.descs().size()).isEqualTo(descsBefore);
    assertThat(written.values()).allMatch(msg -> msg.equals(new MsiMsg(0, 0, 0)));
    assertThat(written).hasSize(6);
  }

  /** msi_domain_alloc_irq_at: the descriptor carries the affinity given, and the interrupt is managed by it. */
  @Test
  void allocAtPassesTheAffinityOn() {
    MsiDeviceDomain d = recording(4, SIMPLE | MsiDomainTemplate.FLAG_FREE_MSI_DESCS);
    irqlab.kernel.domain.IrqDomains.Affinity aff = new irqlab.kernel.domain.IrqDomains.Affinity(CpuMask.of(1), true);
    int[] got = onTask(() -> core.allocIrqAt(dev, MsiDeviceData.SECONDARY_DOMAIN, 2, aff, 0, null));
    assertThat(got[0]).isEqualTo(2);
    assertThat(d.store().get(2).affinity()).isEqualTo(aff);
    assertThat(k.descs().get(got[1]).data().is(irqlab.kernel.irq.IrqdState.AFFINITY_MANAGED)).isTrue();
    assertThat(k.descs().get(got[1]).affinity()).isEqualTo(CpuMask.of(1));
  }

  /**
   * msi_init_virq: without reservation mode, a managed interrupt to be activated whose CPUs are
   * all offline is left in managed shutdown, not activated; one the domain does not activate
   * early is left alone.
   */
  @Test
  void aManagedInterruptWithNoOnlineCpuIsLeftShutDownWhenItWouldBeActivated() {
    onTask(() -> {
      k.smpBoot().cpuDown(1);
      return null;
    });
    irqlab.kernel.domain.IrqDomains.Affinity aff = new irqlab.kernel.domain.IrqDomains.Affinity(CpuMask.of(1), true);
    recording(4, SIMPLE | MsiDomainTemplate.FLAG_FREE_MSI_DESCS);
    int[] got = onTask(() -> core.allocIrqAt(dev, MsiDeviceData.SECONDARY_DOMAIN, 0, aff, 0, null));
    IrqData irqd = k.descs().get(got[1]).data();
    assertThat(irqd.is(irqlab.kernel.irq.IrqdState.MANAGED_SHUTDOWN)).isTrue();
    assertThat(irqd.is(irqlab.kernel.irq.IrqdState.ACTIVATED)).isFalse();
    assertThat(written).doesNotContainKey(got[1]);
    core.removeDeviceDomain(dev, MsiDeviceData.SECONDARY_DOMAIN);

    recording(4, MsiDomainTemplate.FLAG_ALLOC_SIMPLE_MSI_DESCS | MsiDomainTemplate.FLAG_FREE_MSI_DESCS);
    int[] late = onTask(() -> core.allocIrqAt(dev, MsiDeviceData.SECONDARY_DOMAIN, 0, aff, 0, null));
    irqd = k.descs().get(late[1]).data();
    assertThat(irqd.is(irqlab.kernel.irq.IrqdState.MANAGED_SHUTDOWN)).isFalse();
    assertThat(irqd.is(irqlab.kernel.irq.IrqdState.ACTIVATED)).isFalse();
  }

  /** msi_domain_alloc_irq_at: an error after the interrupt was allocated frees it and the index. */
  @Test
  void allocAtThatFailsInActivationFreesTheInterruptAndTheIndex() {
    MsiDeviceDomain d = core.createDeviceDomain(dev, MsiDeviceData.SECONDARY_DOMAIN,
        new MsiDomainTemplate("TEST-MSI", BusToken.PCI_DEVICE_MSIX, SIMPLE | MsiDomainTemplate.FLAG_FREE_MSI_DESCS,
            name -> new IrqChip(name, 0) {
              @Override
              public boolean has(Op op) {
                return op == Op.WRITE_MSI_MSG;
              }

              @Override
              public void writeMsiMsg(IrqData irqd, MsiMsg msg) {
                if (msg.data() != 0) {
                  throw new KernelException(Errno.EIO, "the device refused the message");
                }
              }
            }),
        4, k.vectorDomain().domain(), new PinningParent());
    int before = k.matrix().allocated(0);
    int descsBefore = k.descs().size();
    errno(Errno.EIO, () -> onTask(() -> core.allocIrqAt(dev, MsiDeviceData.SECONDARY_DOMAIN, 1, null, 0, null)));
    assertThat(d.store().get(1)).isNull();
    assertThat(k.matrix().allocated(0)).isEqualTo(before);
    assertThat(k.descs().size()).isEqualTo(descsBefore);
  }

  /** msi_setup_device_data with a global MSI domain: attached once, the same domain again is a no-op. */
  @Test
  void aGlobalDomainIsAttachedOnceAndAnotherInItsSlotIsEexist() {
    MsiDeviceDomain mine = dev.msiData().domain(MsiDeviceData.DEFAULT_DOMAIN);
    MsiDomainTemplate info = template(BusToken.PCI_MSI);
    errno(Errno.EEXIST, () -> core.attachGlobalDomain(dev, MsiDeviceData.DEFAULT_DOMAIN,
        k.vectorDomain().domain(), chip("G"), info));
    MsiDeviceDomain g = core.attachGlobalDomain(dev, MsiDeviceData.SECONDARY_DOMAIN, mine.domain(), chip("G"), info);
    assertThat(g.global()).isTrue();
    assertThat(g.store().hwsize()).isEqualTo(65536);
    assertThat(dev.msiData().domain(MsiDeviceData.SECONDARY_DOMAIN)).isSameAs(g);
    assertThat(core.attachGlobalDomain(dev, MsiDeviceData.SECONDARY_DOMAIN, mine.domain(), chip("G2"), info))
        .isSameAs(g);
    // Removing the device's use of a global domain leaves the domain itself.
    core.removeDeviceDomain(dev, MsiDeviceData.SECONDARY_DOMAIN);
    assertThat(dev.msiData().domain(MsiDeviceData.SECONDARY_DOMAIN)).isNull();
    assertThat(k.domains().all()).contains(mine.domain());
  }
  /**
   * msi_domain_prepare_irqs: a domain's msi_prepare that answers non-zero (vmd_msi_prepare offers
   * the count the VMD has) ends the range allocation before anything is allocated, and
   * msi_domain_alloc_locked frees the range's descriptors.
   */
  @Test
  void aPrepareAnswerEndsTheAllocationAndFreesTheRangesDescriptors() {
    int[] asked = {-1};
    final class Preparing extends MsiDomainOps implements MsiPrepare {
      @Override
      public int prepare(MsiDeviceDomain dd, int nvec) {
        asked[0] = nvec;
        return nvec > 2 ? 2 : 0;
      }

      @Override
      public void alloc(irqlab.kernel.domain.IrqDomain domain, int virq, int nrIrqs, Object arg) {
        throw new AssertionError("allocated after a non-zero msi_prepare");
      }

      @Override
      public void free(irqlab.kernel.domain.IrqDomain domain, int virq, int nrIrqs) {}
    }
    irqlab.kernel.domain.IrqDomain global = k.domains().create("PREP-MSI", k.vectorDomain().domain(), new Preparing(),
        irqlab.kernel.domain.IrqDomain.FLAG_MSI, BusToken.PCI_MSI, null);
    MsiDeviceDomain g = core.attachGlobalDomain(dev, MsiDeviceData.SECONDARY_DOMAIN, global, chip("P"),
        new MsiDomainTemplate("P", BusToken.PCI_MSI, MsiDomainTemplate.FLAG_FREE_MSI_DESCS, MsiCoreTest::chip));
    g.store().insert(3);
    g.store().insert(9);
    assertThat(onTask(() -> core.allocIrqsRange(dev, MsiDeviceData.SECONDARY_DOMAIN, 2, 6))).isEqualTo(2);
    assertThat(asked[0]).isEqualTo(5);
    assertThat(g.store().get(3)).isNull();
    assertThat(g.store().get(9)).isNotNull();
  }
}
