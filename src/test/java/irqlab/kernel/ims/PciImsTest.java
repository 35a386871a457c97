package irqlab.kernel.ims;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import irqlab.hw.devices.AcceleratorDevice;
import irqlab.kernel.Errno;
import irqlab.kernel.KernelException;
import irqlab.kernel.domain.BusToken;
import irqlab.kernel.irq.IrqChip;
import irqlab.kernel.irq.IrqData;
import irqlab.kernel.msi.MsiDesc;
import irqlab.kernel.msi.MsiDeviceData;
import irqlab.kernel.msi.MsiDomainTemplate;
import irqlab.kernel.msi.MsiMsg;
import irqlab.kernel.pci.PciMsi;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** pci_create_ims_domain, pci_ims_alloc_irq and pci_ims_free_irq: slots, rules, error codes. */
class PciImsTest {
  private ImsRig rig;

  @AfterEach
  void close() {
    if (rig != null) {
      rig.close();
    }
  }

  private ImsRig rig(ImsRig.Platform p) {
    rig = new ImsRig(4, 8, AcceleratorDevice.Store.DEVICE_ARRAY, 1, p);
    return rig;
  }

  /** A chip with exactly {@code ops}. */
  private static IrqChip chip(Set<IrqChip.Op> ops) {
    return new IrqChip("TEST-IMS", 0) {
      @Override
      public boolean has(Op op) {
        return ops.contains(op);
      }

      @Override
      public void mask(IrqData d) {}

      @Override
      public void unmask(IrqData d) {}

      @Override
      public void writeMsiMsg(IrqData d, MsiMsg msg) {}
    };
  }

  private static MsiDomainTemplate template(BusToken token, int flags, Set<IrqChip.Op> ops) {
    return new MsiDomainTemplate("TEST-IMS", token, flags, n -> chip(ops));
  }

  private static final int FLAGS = MsiDomainTemplate.FLAG_ALLOC_SIMPLE_MSI_DESCS
      | MsiDomainTemplate.FLAG_FREE_MSI_DESCS | MsiDomainTemplate.FLAG_PCI_IMS;
  private static final Set<IrqChip.Op> GOOD = EnumSet.of(IrqChip.Op.MASK, IrqChip.Op.UNMASK, IrqChip.Op.WRITE_MSI_MSG);

  private void msix() {
    rig.k.pciMsi().allocIrqVectors(rig.pci, 1, 1, PciMsi.PCI_IRQ_MSIX, null, null);
  }

  private Errno createFails(MsiDomainTemplate t) {
    try {
      rig.ims.createImsDomain(rig.pci, t, 64);
    } catch (KernelException e) {
      return e.errno();
    }
    throw new AssertionError("pci_create_ims_domain succeeded");
  }

  @Test
  void withoutRemappingTheParentDoesNotOfferImsAndCreationIsEnotsupp() {
    rig(ImsRig.Platform.VECTOR);
    msix();
    assertThatThrownBy(() -> rig.ims.createImsDomain(rig.pci, template(BusToken.PCI_DEVICE_IMS, FLAGS, GOOD), 64))
        .isInstanceOfSatisfying(KernelException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOTSUPP))
        .hasMessageContaining("0000:00:04.0: MSI parent VECTOR does not offer PCI/IMS");
    assertThat(rig.pci.msiData().domain(MsiDeviceData.SECONDARY_DOMAIN)).isNull();
  }

  @Test
  void imsGoesToTheSecondarySlotNextToMsixUnderRemapping() {
    rig(ImsRig.Platform.REMAPPING);
    msix();
    rig.ims.createImsDomain(rig.pci, template(BusToken.PCI_DEVICE_IMS, FLAGS, GOOD), 64);
    assertThat(rig.pci.msiData().domain(MsiDeviceData.DEFAULT_DOMAIN).domain().name())
        .isEqualTo("IR-PCI-MSIX-0000:00:04.0");
    assertThat(rig.pci.msiData().domain(MsiDeviceData.SECONDARY_DOMAIN).domain().name())
        .isEqualTo("IR-TEST-IMS-0000:00:04.0");
    assertThat(rig.pci.msiData().domain(MsiDeviceData.SECONDARY_DOMAIN).domain().debugfsName())
        .isEqualTo("IR-TEST-IMS-0000:00:04.0-15");
    assertThat(createFails(template(BusToken.PCI_DEVICE_IMS, FLAGS, GOOD))).isEqualTo(Errno.EEXIST);
  }

  @Test
  void theChipMustMaskUnmaskAndWriteAndMustNotSetAffinity() {
    rig(ImsRig.Platform.REMAPPING);
    assertThat(createFails(template(BusToken.PCI_DEVICE_IMS, FLAGS,
        EnumSet.of(IrqChip.Op.UNMASK, IrqChip.Op.WRITE_MSI_MSG)))).isEqualTo(Errno.EINVAL);
    assertThat(createFails(template(BusToken.PCI_DEVICE_IMS, FLAGS,
        EnumSet.of(IrqChip.Op.MASK, IrqChip.Op.WRITE_MSI_MSG)))).isEqualTo(Errno.EINVAL);
    assertThat(createFails(template(BusToken.PCI_DEVICE_IMS, FLAGS,
        EnumSet.of(IrqChip.Op.MASK, IrqChip.Op.UNMASK)))).isEqualTo(Errno.EINVAL);
    Set<IrqChip.Op> withAffinity = EnumSet.copyOf(GOOD);
    withAffinity.add(IrqChip.Op.SET_AFFINITY);
    assertThatThrownBy(() -> rig.ims.createImsDomain(rig.pci, template(BusToken.PCI_DEVICE_IMS, FLAGS, withAffinity), 64))
        .hasMessageContaining("EINVAL").hasMessageContaining("set_affinity");
    assertThat(rig.pci.msiData().domain(MsiDeviceData.SECONDARY_DOMAIN)).isNull();
  }

  @Test
  void theTemplateMustBeAnImsTemplateWithCoreManagedDescriptors() {
    rig(ImsRig.Platform.REMAPPING);
    assertThat(createFails(template(BusToken.PCI_DEVICE_MSIX, FLAGS, GOOD))).isEqualTo(Errno.EINVAL);
    assertThat(createFails(template(BusToken.PCI_DEVICE_IMS, MsiDomainTemplate.FLAG_ALLOC_SIMPLE_MSI_DESCS, GOOD)))
        .isEqualTo(Errno.EINVAL);
    assertThat(createFails(template(BusToken.PCI_DEVICE_IMS, MsiDomainTemplate.FLAG_FREE_MSI_DESCS, GOOD)))
        .isEqualTo(Errno.EINVAL);
  }

  @Test
  void anImsDomainMayHoldAMillionInterruptsButNotMore() {
    rig(ImsRig.Platform.REMAPPING);
    assertThatThrownBy(() -> rig.ims.createImsDomain(rig.pci, template(BusToken.PCI_DEVICE_IMS, FLAGS, GOOD), (1 << 20) + 1))
        .isInstanceOfSatisfying(KernelException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
    rig.ims.createImsDomain(rig.pci, template(BusToken.PCI_DEVICE_IMS, FLAGS, GOOD), 1 << 20);
    assertThat(rig.pci.msiData().domain(MsiDeviceData.SECONDARY_DOMAIN).store().hwsize()).isEqualTo(1 << 20);
  }

  @Test
  void allocationWithoutAnImsDomainIsEnodev() {
    rig(ImsRig.Platform.REMAPPING);
    assertThatThrownBy(() -> rig.ims.allocIrq(rig.pci, 1, null))
        .isInstanceOfSatisfying(KernelException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENODEV));
  }

  @Test
  void eachQueueGetsTheLowestFreeIndexWithItsIdAsCookie() {
    rig(ImsRig.Platform.REMAPPING);
    rig.driver.probe(false);
    for (int q = 0; q < 8; q++) {
      assertThat(rig.driver.imsIndex(q)).isEqualTo(q);
      MsiDesc d = (MsiDesc) rig.k.descs().get(rig.driver.imsIrq(q)).msiDesc();
      assertThat(d.cookie()).isEqualTo(q);
    }
    rig.driver.releaseQueueIrq(5);
    rig.driver.releaseQueueIrq(2);
    assertThatThrownBy(() -> rig.driver.imsIrq(2)).isInstanceOf(KernelException.class);
    // Queue 5 comes back first and takes index 2, the lowest free; queue 2 then takes 5.
    assertThat(rig.driver.allocQueueIrq(5)).isEqualTo(2);
    assertThat(rig.driver.allocQueueIrq(2)).isEqualTo(5);
    assertThat(((MsiDesc) rig.k.descs().get(rig.driver.imsIrq(2)).msiDesc()).cookie()).isEqualTo(5);
    assertThat(((MsiDesc) rig.k.descs().get(rig.driver.imsIrq(5)).msiDesc()).cookie()).isEqualTo(2);
    assertThat(rig.dev.interruptHandle(5)).isEqualTo(2);
  }

  @Test
  void allocatedImsInterruptsHoldNoVectorUntilRequested() {
    rig(ImsRig.Platform.REMAPPING);
    int before = rig.k.matrix().totalAllocated();
    int reservedBefore = rig.k.matrix().globalReserved();
    rig.driver.probe(false);
    // The control interrupt (MSI-X) got its vector at request; the 8 IMS interrupts only reserve.
    assertThat(rig.k.matrix().totalAllocated()).isEqualTo(before + 1);
    assertThat(rig.k.matrix().globalReserved()).isEqualTo(reservedBefore + 8);
    for (int q = 0; q < 8; q++) {
      rig.driver.requestQueueIrq(q);
    }
    assertThat(rig.k.matrix().totalAllocated()).isEqualTo(before + 9);
    assertThat(rig.k.matrix().globalReserved()).isEqualTo(reservedBefore);
  }
}
