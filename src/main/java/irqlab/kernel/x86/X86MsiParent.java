package irqlab.kernel.x86;

import irqlab.kernel.Kernel;
import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.domain.BusToken;
import irqlab.kernel.irq.IrqData;
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
  private final X86MsiAffinity affinity;

  public X86MsiParent(Kernel k, boolean msixDynamic) {
    this.k = k;
    this.msixDynamic = msixDynamic;
    this.affinity = new X86MsiAffinity(k);
  }

  @Override
  public String prefix() {
    return "";
  }

  /**
   * X86_VECTOR_MSI_FLAGS_SUPPORTED: no MSI_FLAG_MULTI_PCI_MSI, since the vector domain cannot hand
   * out the aligned block of vectors multi-MSI needs; only a remapping parent offers it.
   */
  @Override
  public int supportedFlags() {
    int f = MsiDomainTemplate.FLAG_PCI_MSIX;
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
   * msi_set_affinity: the parent picks the new vector; the message is rewritten directly for
   * MSI-X and maskable MSI (the PCI layer masks an MSI-X entry around the write), and through the
   * old CPU for MSI that cannot mask (see {@link X86MsiAffinity}).
   */
  @Override
  public int setAffinity(IrqData d, CpuMask mask, boolean force) {
    return affinity.setAffinity(d, mask, force);
  }
}
