package irqlab.kernel.pci;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.exec.Actor;
import irqlab.exec.Event;
import irqlab.hw.pci.ConfigSpace;
import irqlab.hw.pci.MsiCapability;
import irqlab.hw.pci.PciFunction;
import irqlab.kernel.Errno;
import irqlab.kernel.Kernel;
import irqlab.kernel.KernelException;
import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.domain.BusToken;
import irqlab.kernel.irq.IrqAffinity;
import irqlab.kernel.irq.IrqData;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.irq.IrqdState;
import irqlab.kernel.msi.MsiDesc;
import irqlab.kernel.msi.MsiDevice;
import irqlab.kernel.msi.MsiDeviceData;
import irqlab.kernel.msi.MsiDeviceDomain;
import irqlab.kernel.msi.MsiDomainTemplate;
import irqlab.kernel.msi.MsiParent;
import irqlab.kernel.x86.ApicChipData;
import irqlab.kernel.x86.VectorDomain;
import irqlab.scenario.ScenarioParser;
import irqlab.sim.Machine;
import irqlab.sim.RunResult;
import irqlab.sim.Simulation;
import irqlab.sim.TestMachines;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * PCI/MSI through the per-device MSI core (drivers/pci/msi/msi.c, api.c, irqdomain.c): the
 * PCI-MSI domain and its one descriptor per block, multi-MSI only where the parent offers it,
 * MSI and MSI-X excluding each other in the default slot, reservation mode only for maskable
 * MSI, the mask register behind the chip and pci_free_irq_vectors.
 */
class PciMsiTest {
  /** nic0: MSI (4 messages, maskable, 64-bit) and MSI-X; leg0: legacy MSI; spare: MSI, no driver. */
  private static final String YAML = """
      name: msi
      machine: { cpus: 4 }
      devices:
        - { id: nic0, bdf: "0000:00:05.0", type: nic, msi: { vectors: 4, maskable: true }, msix: { table: 4 }, queues: 4 }
        - { id: leg0, bdf: "0000:00:06.0", type: legacy-msi, queues: 1 }
        - { id: spare, bdf: "0000:00:07.0", type: nic, msi: { vectors: 8, maskable: true, address64: false }, queues: 2 }
      drivers:
        - { device: nic0, vectors: { min: 1, max: 4, kind: msi, affinity: none } }
        - { device: leg0, vectors: { min: 1, max: 1, kind: msi } }
      """;

  private final Machine m = TestMachines.boot(YAML, 1);
  private final Kernel k = m.kernel();

  private <T> T onTask(Supplier<T> work) {
    Object[] out = new Object[1];
    RuntimeException[] err = new RuntimeException[1];
    Actor a = k.exec().newActor("test", Actor.Kind.TASK, 0);
    k.exec().schedule(Event.of(a, () -> {
      try {
        out[0] = work.get();
      } catch (RuntimeException e) {
        err[0] = e;
      }
    }), k.exec().now());
    TestMachines.rt(m).runUntil(k.exec().now());
    if (err[0] != null) {
      throw err[0];
    }
    @SuppressWarnings("unchecked")
    T t = (T) out[0];
    return t;
  }

  private Errno errnoOf(Supplier<?> work) {
    try {
      onTask(work);
    } catch (KernelException e) {
      return e.errno();
    }
    return null;
  }

  private PciDev pci(String id) {
    return m.binding(id).pci();
  }

  private static MsiDesc block(PciDev dev) {
    return dev.msiData().domain(MsiDeviceData.DEFAULT_DOMAIN).store().get(0);
  }

  private int cfg16(PciDev dev, int off) {
    return dev.function().peekConfig16(off);
  }

  @Test
  void x86WithoutRemappingGetsASingleMsiVectorEvenWhenTheDeviceOffersFour() {
    PciDev dev = pci("nic0");
    assertThat(m.binding("nic0").driver().vectors()).isEqualTo(1);
    assertThat(dev.msiEnabled()).isTrue();
    assertThat(dev.msixEnabled()).isFalse();
    assertThat(dev.msiVecCount()).isEqualTo(4);
    assertThat(k.msiParent().supportedFlags() & MsiDomainTemplate.FLAG_MULTI_PCI_MSI).isZero();
    MsiDeviceDomain dd = dev.msiData().domain(MsiDeviceData.DEFAULT_DOMAIN);
    assertThat(dd.domain().name()).isEqualTo("PCI-MSI-0000:00:05.0");
    assertThat(dd.domain().debugfsName()).isEqualTo("PCI-MSI-0000:00:05.0-11");
    assertThat(dd.template().busToken()).isEqualTo(BusToken.PCI_DEVICE_MSI);
    assertThat(dd.store().hwsize()).isEqualTo(1);
    assertThat(dd.hasFlag(MsiDomainTemplate.FLAG_MULTI_PCI_MSI)).as("trimmed to what the parent supports").isFalse();
    assertThat(block(dev).nvecUsed()).isEqualTo(1);
    int ctl = cfg16(dev, dev.msiCap() + MsiCapability.FLAGS);
    assertThat(ctl & MsiCapability.FLAGS_ENABLE).isNotZero();
    assertThat(ctl & MsiCapability.FLAGS_QSIZE).as("one message enabled").isZero();
    assertThat(cfg16(dev, ConfigSpace.COMMAND) & ConfigSpace.COMMAND_INTX_DISABLE).isNotZero();
    // Needing two is ENOSPC without remapping: msi_capability_init answers "try one".
    assertThat(errnoOf(() -> k.pciMsi().allocIrqVectors(pci("spare"), 2, 8, PciMsi.PCI_IRQ_MSI, null, null)))
        .isEqualTo(Errno.ENOSPC);
    assertThat(pci("spare").msiEnabled()).isFalse();
  }

  @Test
  void theMessageIsWrittenIntoTheCapabilityAndNamesTheVectorAndCpu() {
    PciDev dev = pci("leg0");
    IrqDesc d = k.descs().get(m.binding("leg0").driver().irq(0));
    ApicChipData a = VectorDomain.apicChipData(d.data());
    MsiCapability cap = dev.function().msi();
    assertThat(cap.address()).isEqualTo(0xfee00000L | ((long) a.cpu() << 12));
    assertThat(cap.data()).isEqualTo(a.vector());
    assertThat(block(dev).msg().data()).isEqualTo(a.vector());
    assertThat(d.data().chip().name()).isEqualTo("PCI-MSI-0000:00:06.0");
    assertThat(d.data().hwirq()).isZero();
  }

  @Test
  void reservationModeOnlyForMaskableMsi() {
    // Maskable: reservation mode; nothing of the matrix is taken until request_irq.
    PciDev spare = pci("spare");
    int allocated = totalAllocated();
    int n = onTask(() -> k.pciMsi().allocIrqVectors(spare, 1, 1, PciMsi.PCI_IRQ_MSI, null, null));
    assertThat(n).isEqualTo(1);
    IrqDesc d = k.descs().get(k.pciMsi().irqVector(spare, 0));
    assertThat(d.data().is(IrqdState.CAN_RESERVE)).isTrue();
    assertThat(VectorDomain.apicChipData(d.data()).hasReserved()).isTrue();
    assertThat(totalAllocated()).isEqualTo(allocated);
    assertThat(block(spare).canMask()).isTrue();
    assertThat(block(spare).is64()).isFalse();
    // Not maskable: the vector is taken at allocation and never given back to a reservation.
    IrqDesc leg = k.descs().get(m.binding("leg0").driver().irq(0));
    ApicChipData a = VectorDomain.apicChipData(leg.data());
    assertThat(leg.data().is(IrqdState.CAN_RESERVE)).isFalse();
    assertThat(a.canReserve()).isFalse();
    assertThat(a.hasReserved()).isFalse();
    assertThat(block(pci("leg0")).canMask()).isFalse();
  }

  private int totalAllocated() {
    int sum = 0;
    for (int c = 0; c < k.nrCpus(); c++) {
      sum += k.matrix().allocated(c);
    }
    return sum;
  }

  @Test
  void msiAndMsixExcludeEachOtherInTheDefaultSlot() {
    PciDev dev = pci("nic0");
    assertThat(errnoOf(() -> k.pciMsi().allocIrqVectors(dev, 1, 4, PciMsi.PCI_IRQ_MSIX, null, null)))
        .isEqualTo(Errno.EINVAL);
    assertThat(errnoOf(() -> k.pciMsi().allocIrqVectors(dev, 1, 1, PciMsi.PCI_IRQ_MSI, null, null)))
        .as("MSI twice").isEqualTo(Errno.EINVAL);
    onTask(() -> {
      m.binding("nic0").driver().remove();
      return null;
    });
    assertThat(dev.msiEnabled()).isFalse();
    assertThat(cfg16(dev, dev.msiCap() + MsiCapability.FLAGS) & MsiCapability.FLAGS_ENABLE).isZero();
    assertThat(cfg16(dev, ConfigSpace.COMMAND) & ConfigSpace.COMMAND_INTX_DISABLE).as("INTx back").isZero();
    assertThat(dev.msiData().domain(0).store().size()).isZero();
    // MSI-X now: the PCI-MSI domain gives way to a PCI-MSIX one in the same slot.
    assertThat(onTask(() -> k.pciMsi().allocIrqVectors(dev, 1, 4, PciMsi.PCI_IRQ_MSIX, null, null))).isEqualTo(4);
    assertThat(dev.msiData().domain(0).domain().name()).isEqualTo("PCI-MSIX-0000:00:05.0");
    assertThat(k.domains().all()).noneMatch(d -> d.name().equals("PCI-MSI-0000:00:05.0"));
    KernelException e = null;
    try {
      onTask(() -> k.pciMsi().allocIrqVectors(dev, 1, 1, PciMsi.PCI_IRQ_MSI, null, null));
    } catch (KernelException x) {
      e = x;
    }
    assertThat(e).isNotNull();
    assertThat(e.errno()).isEqualTo(Errno.EINVAL);
    assertThat(e.getMessage()).contains("can't enable MSI (MSI-X already enabled)");
    assertThat(k.log().lines()).anyMatch(l -> l.text().endsWith("0000:00:05.0: can't enable MSI (MSI-X already enabled)"));
  }

  @Test
  void msixFirstThenMsiWhenTheDriverAllowsBoth() {
    int both = PciMsi.PCI_IRQ_MSIX | PciMsi.PCI_IRQ_MSI;
    // spare has no MSI-X: __pci_enable_msix_range fails, MSI is tried next.
    assertThat(onTask(() -> k.pciMsi().allocIrqVectors(pci("spare"), 1, 2, both, null, null))).isEqualTo(1);
    assertThat(pci("spare").msiEnabled()).isTrue();
    onTask(() -> {
      m.binding("nic0").driver().remove();
      return null;
    });
    assertThat(onTask(() -> k.pciMsi().allocIrqVectors(pci("nic0"), 1, 4, both, null, null))).isEqualTo(4);
    assertThat(pci("nic0").msixEnabled()).isTrue();
    assertThat(pci("nic0").msiEnabled()).isFalse();
  }

  /** The x86 parent plus multi-MSI, as a remapping parent offers it: lets the block path run. */
  private static class MultiMsiParent implements MsiParent {
    private final MsiParent x86;

    MultiMsiParent(MsiParent x86) {
      this.x86 = x86;
    }

    @Override
    public String prefix() {
      return x86.prefix();
    }

    @Override
    public int supportedFlags() {
      return x86.supportedFlags() | MsiDomainTemplate.FLAG_MULTI_PCI_MSI;
    }

    @Override
    public boolean supportsBus(BusToken token) {
      return x86.supportsBus(token);
    }

    @Override
    public Object allocInfo(MsiDevice dev) {
      return x86.allocInfo(dev);
    }

    @Override
    public int setAffinity(IrqData d, CpuMask mask, boolean force) {
      return x86.setAffinity(d, mask, force);
    }
  }

  @Test
  void aParentWithMultiMsiGetsTheWholePowerOfTwoBlockInOneDescriptor() {
    PciMsi multi = new PciMsi(k, k.msiCore(), new MultiMsiParent(k.msiParent()));
    PciDev spare = pci("spare");
    assertThat(onTask(() -> multi.allocIrqVectors(spare, 1, 3, PciMsi.PCI_IRQ_MSI, null, null))).isEqualTo(3);
    MsiDesc b = block(spare);
    assertThat(b.nvecUsed()).isEqualTo(3);
    assertThat(b.multiple()).as("3 rounds up to a block of 4").isEqualTo(2);
    assertThat(b.multiCap()).isEqualTo(3);
    int ctl = cfg16(spare, spare.msiCap() + MsiCapability.FLAGS);
    assertThat((ctl & MsiCapability.FLAGS_QSIZE) >>> 4).isEqualTo(2);
    for (int i = 0; i < 3; i++) {
      int irq = multi.irqVector(spare, i);
      assertThat(irq).isEqualTo(b.irq() + i);
      assertThat(k.descs().get(irq).data().hwirq()).isEqualTo(i);
      assertThat(k.descs().get(irq).msiDesc()).isSameAs(b);
    }
    assertThat(errnoOf(() -> multi.irqVector(spare, 3))).isEqualTo(Errno.EINVAL);
    // Every vector of the block is masked until its interrupt is started.
    assertThat(spare.function().msi().maskBits()).isEqualTo(0xff);
    int descs = k.descs().size();
    onTask(() -> {
      multi.freeIrqVectors(spare);
      return null;
    });
    assertThat(k.descs().size()).isEqualTo(descs - 3);
    assertThat(spare.function().msi().maskBits()).as("unmasked again, as after reset").isZero();
    assertThat(spare.msiEnabled()).isFalse();
  }

  /**
   * pci_msi_domain_update_chip_ops: a global PCI/MSI domain's chip masks a block member by its own
   * bit of the mask register (pci_msi_mask_irq: BIT(data->irq - desc->irq)), and writes the block's
   * one message from its first interrupt only (__pci_write_msi_msg through the descriptor).
   */
  @Test
  void theGlobalDomainChipOpsMaskABlockMemberByItsBitAndWriteFromTheFirstIrq() {
    PciMsi multi = new PciMsi(k, k.msiCore(), new MultiMsiParent(k.msiParent()));
    PciDev spare = pci("spare");
    assertThat(onTask(() -> multi.allocIrqVectors(spare, 1, 3, PciMsi.PCI_IRQ_MSI, null, null))).isEqualTo(3);
    MsiDesc b = block(spare);
    IrqData second = k.descs().get(b.irq() + 1).data();
    IrqData third = k.descs().get(b.irq() + 2).data();
    onTask(() -> {
      multi.unmaskIrq(second);
      return null;
    });
    assertThat(spare.function().msi().maskBits()).isEqualTo(0xfd);
    onTask(() -> {
      multi.unmaskIrq(third);
      multi.maskIrq(second);
      return null;
    });
    assertThat(spare.function().msi().maskBits()).isEqualTo(0xfb);
    int data = spare.function().msi().data();
    onTask(() -> {
      multi.writeMsg(second, new irqlab.kernel.msi.MsiMsg(0xfee03000, 0, 0x61));
      return null;
    });
    assertThat(spare.function().msi().data()).as("not the block's first irq: nothing written").isEqualTo(data);
    onTask(() -> {
      multi.writeMsg(k.descs().get(b.irq()).data(), new irqlab.kernel.msi.MsiMsg(0xfee03000, 0, 0x60));
      return null;
    });
    assertThat(spare.function().msi().data()).isEqualTo(0x60);
    assertThat(spare.function().msi().address()).isEqualTo(0xfee03000L);
    // Freeing the block deactivates its own three interrupts, not the lines numbered below it.
    int below = b.irq() - 1;
    assertThat(k.descs().get(below).data().is(IrqdState.ACTIVATED)).isTrue();
    onTask(() -> {
      multi.freeIrqVectors(spare);
      return null;
    });
    assertThat(k.descs().get(below).data().is(IrqdState.ACTIVATED)).isTrue();
    assertThat(k.descs().get(b.irq())).isNull();
  }

  @Test
  void aFailedMultiMsiBlockLetsThePciCallerRetryWithOne() {
    // A parent that can place no vector (an empty CPU mask: EINVAL from the matrix) fails the block.
    MsiParent pinning = new MultiMsiParent(k.msiParent()) {
      @Override
      public Object allocInfo(MsiDevice dev) {
        return new irqlab.kernel.x86.X86AllocInfo(CpuMask.EMPTY, 0);
      }
    };
    PciDev spare = pci("spare");
    MsiDeviceDomain dd = k.msiCore().createDeviceDomain(spare, MsiDeviceData.SECONDARY_DOMAIN,
        new MsiDomainTemplate("TEST-MSI", BusToken.PCI_DEVICE_MSI, MsiDomainTemplate.FLAG_FREE_MSI_DESCS,
            name -> new PciMsiChip(name, null, pinning)), 1, k.vectorDomain().domain(), pinning);
    MsiDesc d = dd.store().insert(0);
    d.setNvecUsed(4);
    String matrix = k.matrix().debugShow();
    int rc = onTask(() -> k.msiCore().allocIrqsRange(spare, MsiDeviceData.SECONDARY_DOMAIN, 0, 0));
    assertThat(rc).isEqualTo(1);
    assertThat(dd.store().size()).isZero();
    assertThat(k.matrix().debugShow()).isEqualTo(matrix);
  }

  @Test
  void maskableMsiHoldsWorkInItsPendingBitWhileLazilyDisabled() {
    RunResult r = Simulation.run(ScenarioParser.parse("mask.yaml", """
        name: mask
        machine: { cpus: 2 }
        devices: [ { id: nic0, type: nic, msi: { vectors: 1, maskable: true }, queues: 2 } ]
        drivers: [ { device: nic0, vectors: { min: 1, max: 1, kind: msi } } ]
        timeline:
          - { at: 0us, traffic: { device: nic0, rate: 200k/s, for: 200us } }
          - { at: 50us, disable-irq: { irq: nic0/msi/0 } }
          - { at: 120us, enable-irq: { irq: nic0/msi/0 } }
        """), 1);
    assertThat(r.violations()).isEmpty();
    assertThat(r.devices().get(0).messagesHeldPending()).isPositive();
    assertThat(r.devices().get(0).outstanding()).isZero();
  }

  @Test
  void nonMaskableMsiCannotBeMaskedSoTheFlowHandlerKeepsItPending() {
    RunResult r = Simulation.run(ScenarioParser.parse("nomask.yaml", """
        name: nomask
        machine: { cpus: 2 }
        devices: [ { id: leg0, type: legacy-msi, queues: 1 } ]
        drivers: [ { device: leg0, vectors: { min: 1, max: 1, kind: msi } } ]
        timeline:
          - { at: 0us, traffic: { device: leg0, rate: 200k/s, for: 200us } }
          - { at: 50us, disable-irq: { irq: leg0/msi/0 } }
          - { at: 120us, enable-irq: { irq: leg0/msi/0 } }
        """), 1);
    assertThat(r.violations()).isEmpty();
    assertThat(r.devices().get(0).messagesHeldPending()).isZero();
    assertThat(r.devices().get(0).outstanding()).isZero();
  }

  @Test
  void aThirtyTwoBitCapabilityNeverGetsAnAddressAboveFourGiB() {
    PciDev spare = pci("spare");
    onTask(() -> k.pciMsi().allocIrqVectors(spare, 1, 1, PciMsi.PCI_IRQ_MSI, IrqAffinity.AffinityDescriptor.NONE, null));
    assertThat(block(spare).msg().addressHi()).isZero();
    assertThat(spare.function().peekConfig16(spare.msiCap() + MsiCapability.FLAGS) & MsiCapability.FLAGS_64BIT).isZero();
    assertThat(PciFunction.MSI_CAP_OFFSET).isEqualTo(spare.msiCap());
  }
}
