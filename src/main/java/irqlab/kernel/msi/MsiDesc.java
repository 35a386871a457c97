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
  /**
   * The last message written (struct msi_msg, embedded as in Linux), valid with {@link #HAS_MSG}:
   * three words in the descriptor instead of an object per requested interrupt.
   */
  private int msgAddressLo;
  private int msgAddressHi;
  private int msgData;
  /** One entry per interrupt of the descriptor (PCI multi-MSI has nvec_used of them), or null. */
  private java.util.List<IrqDomains.Affinity> affinity;
  private long cookie;
  /** {@link #HAS_MSG} and the PCI attributes (struct pci_msi_desc): is_msix, can_mask, is_64. */
  private byte flags;
  private static final int IS_MSIX = 1;
  private static final int CAN_MASK = 2;
  private static final int IS_64 = 4;
  private static final int HAS_MSG = 8;
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

  /** The last message written, or null before the first. */
  public MsiMsg msg() {
    return (flags & HAS_MSG) == 0 ? null : new MsiMsg(msgAddressLo, msgAddressHi, msgData);
  }

  public void setMsg(MsiMsg msg) {
    if (msg == null) {
      flags &= ~HAS_MSG;
      return;
    }
    msgAddressLo = msg.addressLo();
    msgAddressHi = msg.addressHi();
    msgData = msg.data();
    flags |= HAS_MSG;
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
    return (flags & IS_MSIX) != 0;
  }

  public boolean canMask() {
    return (flags & CAN_MASK) != 0;
  }

  public int msixCtrl() {
    return msixCtrl;
  }

  public void setPci(boolean isMsix, boolean canMask, boolean is64, int msixCtrl) {
    flags = (byte) ((flags & HAS_MSG) | (isMsix ? IS_MSIX : 0) | (canMask ? CAN_MASK : 0) | (is64 ? IS_64 : 0));
    this.msixCtrl = msixCtrl;
  }

  public void setMsixCtrl(int ctrl) {
    this.msixCtrl = ctrl;
  }

  public boolean is64() {
    return (flags & IS_64) != 0;
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
