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
  /** At most 32 (PCI multi-MSI): a byte keeps a million IMS descriptors small. */
  private byte nvecUsed = 1;
  private MsiMsg msg;
  /** One entry per interrupt of the descriptor (PCI multi-MSI has nvec_used of them), or null. */
  private java.util.List<IrqDomains.Affinity> affinity;
  private long cookie;
  // PCI attributes (struct pci_msi_desc).
  boolean isMsix;
  boolean canMask;
  boolean is64;
  int msixCtrl;
  /** PCI MSI only (null for MSI-X and IMS): the block sizes, the mask register and its cache. */
  private MsiAttrs msiAttrs;

  /** Log2 of the enabled block, of the capable block, the mask register offset and its cache. */
  private static final class MsiAttrs {
    int multiple;
    int multiCap;
    int maskPos;
    int msiMask;
  }

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
    if (n < 1 || n > Byte.MAX_VALUE) {
      throw new IllegalArgumentException("nvec_used " + n);
    }
    this.nvecUsed = (byte) n;
  }

  public MsiMsg msg() {
    return msg;
  }

  public void setMsg(MsiMsg msg) {
    this.msg = msg;
  }

  /** The first interrupt's affinity, or null. */
  public IrqDomains.Affinity affinity() {
    return affinity == null || affinity.isEmpty() ? null : affinity.get(0);
  }

  public void setAffinity(IrqDomains.Affinity affinity) {
    this.affinity = affinity == null ? null : java.util.List.of(affinity);
  }

  /** The affinity of each interrupt of the descriptor, in order, or null. */
  public java.util.List<IrqDomains.Affinity> affinities() {
    return affinity;
  }

  public void setAffinities(java.util.List<IrqDomains.Affinity> affinities) {
    this.affinity = affinities == null ? null : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(affinities));
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

  public boolean is64() {
    return is64;
  }

  /** msi_setup_msi_desc's attributes of a plain MSI descriptor. */
  public void setPciMsi(boolean canMask, boolean is64, int multiple, int multiCap, int maskPos, int msiMask) {
    setPci(false, canMask, is64, 0);
    MsiAttrs a = new MsiAttrs();
    a.multiple = multiple;
    a.multiCap = multiCap;
    a.maskPos = maskPos;
    a.msiMask = msiMask;
    this.msiAttrs = a;
  }

  /** log2 of the MSI block enabled in the device (msi_attrib.multiple). */
  public int multiple() {
    return msiAttrs == null ? 0 : msiAttrs.multiple;
  }

  /** log2 of the MSI block the device can send (msi_attrib.multi_cap). */
  public int multiCap() {
    return msiAttrs == null ? 0 : msiAttrs.multiCap;
  }

  /** Config offset of the MSI mask bits (pci.mask_pos). */
  public int maskPos() {
    return msiAttrs == null ? 0 : msiAttrs.maskPos;
  }

  /** The cached MSI mask word (pci.msi_mask). */
  public int msiMask() {
    return msiAttrs == null ? 0 : msiAttrs.msiMask;
  }

  public void setMsiMask(int mask) {
    if (msiAttrs == null) {
      msiAttrs = new MsiAttrs();
    }
    msiAttrs.msiMask = mask;
  }
}
