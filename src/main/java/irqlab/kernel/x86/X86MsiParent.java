package irqlab.kernel.x86;

import irqlab.kernel.Kernel;
import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.domain.BusToken;
import irqlab.kernel.irq.IrqChip;
import irqlab.kernel.irq.IrqData;
import irqlab.kernel.msi.MsiCore;
import irqlab.kernel.msi.MsiDevice;
import irqlab.kernel.msi.MsiDomainTemplate;
import irqlab.kernel.msi.MsiParent;

/**
 * The VECTOR domain as MSI parent without remapping (arch/x86/kernel/apic/msi.c): it accepts
 * per-device PCI MSI and MSI-X domains (dynamic MSI-X unless the machine turns it off) and gives
 * their chips msi_set_affinity.
 */
public final class X86MsiParent implements MsiParent {
  private final Kernel k;
  private final boolean msixDynamic;

  public X86MsiParent(Kernel k, boolean msixDynamic) {
    this.k = k;
    this.msixDynamic = msixDynamic;
  }

  @Override
  public String prefix() {
    return "";
  }

  @Override
  public int supportedFlags() {
    int f = MsiDomainTemplate.FLAG_PCI_MSIX | MsiDomainTemplate.FLAG_MULTI_PCI_MSI;
    return msixDynamic ? f | MsiDomainTemplate.FLAG_PCI_MSIX_ALLOC_DYN : f;
  }

  @Override
  public boolean supportsBus(BusToken token) {
    return token == BusToken.PCI_DEVICE_MSI || token == BusToken.PCI_DEVICE_MSIX;
  }

  @Override
  public Object allocInfo(MsiDevice dev) {
    return X86AllocInfo.MSI;
  }

  /**
   * msi_set_affinity for maskable MSI and MSI-X: the parent picks the new vector and the message is
   * rewritten directly; the PCI layer masks the entry around the write.
   */
  @Override
  public int setAffinity(IrqData d, CpuMask mask, boolean force) {
    IrqData parent = d.parent();
    int ret = parent.chip().setAffinity(parent, mask, force);
    if (ret == IrqChip.SET_MASK_OK_DONE) {
      return ret;
    }
    MsiCore.updateMsg(d);
    return ret;
  }
}
