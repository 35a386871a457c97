package irqlab.kernel.iommu;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.hw.iommu.Irte;
import irqlab.kernel.iommu.MsiSourceId.DmaAlias;
import irqlab.kernel.iommu.MsiSourceId.Verification;
import java.util.List;
import org.junit.jupiter.api.Test;

/** set_msi_sid's choices for the DMA alias walks pci_for_each_dma_alias produces. */
class MsiSourceIdTest {
  @Test
  void aDeviceWithoutAliasesIsVerifiedOnAllSixteenBits() {
    assertThat(MsiSourceId.of(0x18))
        .isEqualTo(new Verification(Irte.SVT_VERIFY_SID_SQ, Irte.SQ_ALL_16, 0x18));
  }

  @Test
  void behindAPcieToPciBridgeOnlyTheBusRangeCanBeVerified() {
    // Device 05:01.0 behind a bridge at 00:1e.0 whose secondary bus is 5: the bridge (on bus 0)
    // reports the alias 05:00.0, on another bus than its own.
    int dev = 0x0508;
    List<DmaAlias> walk = List.of(new DmaAlias(5, dev), new DmaAlias(0, 0x0500));
    assertThat(MsiSourceId.of(dev, walk))
        .isEqualTo(new Verification(Irte.SVT_VERIFY_BUS, Irte.SQ_ALL_16, 0x0505));
    Irte e = Irte.remapped(0x20, 0, Irte.SVT_VERIFY_BUS, Irte.SQ_ALL_16, 0x0505);
    assertThat(e.verifies(0x0500)).as("the bridge's requester id on the secondary bus").isTrue();
    assertThat(e.verifies(0x0600)).isFalse();
  }

  @Test
  void severalAliasesOnOneBusVerifyThatBus() {
    // NTB-style proxy ids: 03:00.0 also uses 03:00.1 and 03:00.2.
    List<DmaAlias> walk = List.of(new DmaAlias(3, 0x0300), new DmaAlias(3, 0x0301), new DmaAlias(3, 0x0302));
    assertThat(MsiSourceId.of(0x0300, walk))
        .isEqualTo(new Verification(Irte.SVT_VERIFY_BUS, Irte.SQ_ALL_16, 0x0303));
  }

  @Test
  void aTopologyAliasFromAnotherBusIsVerifiedExactly() {
    // The last alias comes from a device on bus 2 and names that same bus: verify it exactly.
    List<DmaAlias> walk = List.of(new DmaAlias(4, 0x0400), new DmaAlias(2, 0x0210));
    assertThat(MsiSourceId.of(0x0400, walk))
        .isEqualTo(new Verification(Irte.SVT_VERIFY_SID_SQ, Irte.SQ_ALL_16, 0x0210));
  }

  @Test
  void otherwiseTheDevicesOwnIdIsVerified() {
    List<DmaAlias> walk = List.of(new DmaAlias(4, 0x0400), new DmaAlias(7, 0x0710), new DmaAlias(4, 0x0401));
    assertThat(MsiSourceId.of(0x0400, walk))
        .isEqualTo(new Verification(Irte.SVT_VERIFY_SID_SQ, Irte.SQ_ALL_16, 0x0400));
  }
}
