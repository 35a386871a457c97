package irqlab.kernel.msi;

import irqlab.kernel.domain.IrqDomains;

/**
 * struct msi_desc: one MSI message slot of a device in one of its domains: its index, the Linux
 * interrupt it got, the last message written, and the bus-specific attributes (PCI: MSI-X or MSI,
 * maskable, the cached vector control word).
 */
public final class MsiDesc {
  private final int msiIndex;
  private int irq;
  private int nvecUsed = 1;
  private MsiMsg msg;
  private IrqDomains.Affinity affinity;
  private long cookie;
  // PCI attributes (struct pci_msi_desc).
  boolean isMsix;
  boolean canMask;
  boolean is64;
  int msixCtrl;

  public MsiDesc(int msiIndex) {
    this.msiIndex = msiIndex;
  }

  public int msiIndex() {
    return msiIndex;
  }

  /** The Linux interrupt number, 0 while none is allocated. */
  public int irq() {
    return irq;
  }

  public void setIrq(int irq) {
    this.irq = irq;
  }

  public int nvecUsed() {
    return nvecUsed;
  }

  public void setNvecUsed(int n) {
    this.nvecUsed = n;
  }

  public MsiMsg msg() {
    return msg;
  }

  public void setMsg(MsiMsg msg) {
    this.msg = msg;
  }

  public IrqDomains.Affinity affinity() {
    return affinity;
  }

  public void setAffinity(IrqDomains.Affinity affinity) {
    this.affinity = affinity;
  }

  /** A driver's cookie (union msi_instance_cookie), e.g. an IMS queue id. */
  public long cookie() {
    return cookie;
  }

  public void setCookie(long cookie) {
    this.cookie = cookie;
  }

  public boolean isMsix() {
    return isMsix;
  }

  public boolean canMask() {
    return canMask;
  }

  public int msixCtrl() {
    return msixCtrl;
  }

  public void setPci(boolean isMsix, boolean canMask, boolean is64, int msixCtrl) {
    this.isMsix = isMsix;
    this.canMask = canMask;
    this.is64 = is64;
    this.msixCtrl = msixCtrl;
  }

  public void setMsixCtrl(int ctrl) {
    this.msixCtrl = ctrl;
  }
}
