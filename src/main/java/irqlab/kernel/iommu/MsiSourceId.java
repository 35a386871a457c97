package irqlab.kernel.iommu;

import irqlab.hw.iommu.Irte;
import java.util.List;

/**
 * set_msi_sid (drivers/iommu/intel/irq_remapping.c): which requester ids an MSI's remapping entry
 * accepts, decided from the device's DMA aliases as pci_for_each_dma_alias reports them.
 */
public final class MsiSourceId {
  /** One step of the alias walk: the device reporting it (by its bus) and the alias requester id. */
  public record DmaAlias(int pdevBus, int alias) {}

  /** The SVT, SQ and SID fields to put into the entry. */
  public record Verification(int svt, int sq, int sid) {}

  private MsiSourceId() {}

  /** A device that is its own only alias: SVT 1 on all 16 bits of its requester id. */
  public static Verification of(int requesterId) {
    return of(requesterId, List.of(new DmaAlias(requesterId >>> 8, requesterId)));
  }

  /**
   * The last alias decides. An alias on another bus than the device that reported it is a
   * PCIe-to-PCI bridge taking ownership: only the bus range from the alias's bus to the device's
   * can be checked. Several aliases all on one bus (NTB proxy ids): only that bus. An alias from a
   * device on another bus (a topology alias): verify it exactly. Otherwise the device's own id.
   */
  public static Verification of(int requesterId, List<DmaAlias> walk) {
    if (walk.isEmpty()) {
      throw new IllegalArgumentException("a DMA alias walk reports at least the device itself");
    }
    int count = 0;
    int busMatch = 0;
    DmaAlias last = null;
    for (DmaAlias a : walk) {
      if (count == 0 || (a.alias() >>> 8) == (last.alias() >>> 8)) {
        busMatch++;
      }
      last = a;
      count++;
    }
    int devBus = requesterId >>> 8;
    int aliasBus = last.alias() >>> 8;
    if (aliasBus != last.pdevBus()) {
      return verifyBus(aliasBus, devBus);
    }
    if (count >= 2 && busMatch == count) {
      return verifyBus(devBus, devBus);
    }
    if (last.pdevBus() != devBus) {
      return new Verification(Irte.SVT_VERIFY_SID_SQ, Irte.SQ_ALL_16, last.alias() & 0xffff);
    }
    return new Verification(Irte.SVT_VERIFY_SID_SQ, Irte.SQ_ALL_16, requesterId & 0xffff);
  }

  /** set_irte_verify_bus: StartBus in SID 15:8, EndBus in 7:0. */
  private static Verification verifyBus(int startBus, int endBus) {
    return new Verification(Irte.SVT_VERIFY_BUS, Irte.SQ_ALL_16, ((startBus & 0xff) << 8) | (endBus & 0xff));
  }
}
