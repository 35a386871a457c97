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
}
