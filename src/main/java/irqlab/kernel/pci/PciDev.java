package irqlab.kernel.pci;

import irqlab.exec.RawSpinLock;
import irqlab.hw.pci.MsiCapability;
import irqlab.hw.pci.MsixCapability;
import irqlab.hw.pci.PciFunction;
import irqlab.kernel.msi.MsiDevice;
import irqlab.kernel.msi.MsiDeviceData;

/**
 * struct pci_dev as the kernel keeps it: the function's name, the MSI state flags and the device's
 * MSI domains. Register access goes through the hardware function's accessors.
 */
public final class PciDev implements MsiDevice {
  private final PciFunction fn;
  private final String name;
  private final MsiDeviceData msiData = new MsiDeviceData();
  boolean msixEnabled;
  boolean msiEnabled;
  int msixCap;
  int msiCap;
  /** pci_dev.no_64bit_msi: the MSI address register has no upper half. */
  boolean no64bitMsi;
  /** pci_dev.msi_lock, guarding the MSI mask register and its cache; made with the MSI context. */
  RawSpinLock msiLock;
  /** pci_dev.pin: the INTx pin (1 = INTA), read at enumeration; 0 for none. */
  final int pin;
  /** pci_dev.irq: the legacy INTx line (a GSI) once the device is enabled, else 0. */
  int irq;
  /** The driver uses the INTx line (pci_alloc_irq_vectors fell back to it, or pci_intx). */
  boolean intxInUse;
  /** pdev->class: class code, subclass and programming interface, read at enumeration. */
  private final int pciClass;
  /** dev->msi.domain when the bus gives a global MSI domain (a VMD's), else null. */
  private irqlab.kernel.msi.MsiGlobalDomain globalMsi;
  /** dev->msi.domain when the bus gives another MSI parent than the platform's, else null. */
  private irqlab.kernel.msi.MsiParent msiParent;
  private irqlab.kernel.domain.IrqDomain msiParentDomain;
  /** pci_real_dma_dev: the device that issues this one's DMA (a VMD for its children), or null. */
  private PciDev realDmaDev;

  public PciDev(PciFunction fn) {
    this.fn = fn;
    this.name = fn.bdf().toString();
    this.msixCap = findCapability(MsixCapability.CAP_ID);
    this.msiCap = findCapability(MsiCapability.CAP_ID);
    this.pin = fn.peekConfig8(irqlab.hw.pci.ConfigSpace.INTERRUPT_PIN);
    this.pciClass = fn.peekConfig32(irqlab.hw.pci.ConfigSpace.CLASS_REVISION) >>> 8;
    // pci_msi_init: a 32-bit-only MSI capability restricts the addresses the arch may use.
    if (msiCap != 0 && (fn.configRead16(msiCap + MsiCapability.FLAGS) & MsiCapability.FLAGS_64BIT) == 0) {
      no64bitMsi = true;
    }
  }

  /** pci_find_capability: walks the capability list in config space. */
  private int findCapability(int id) {
    if ((fn.configRead16(0x06) & 0x10) == 0) {
      return 0;
    }
    int pos = fn.configRead8(0x34);
    for (int ttl = 48; pos != 0 && ttl > 0; ttl--) {
      if (fn.configRead8(pos) == id) {
        return pos;
      }
      pos = fn.configRead8(pos + 1);
    }
    return 0;
  }

  public PciFunction function() {
    return fn;
  }

  /** pdev->class (PCI_CLASS_STORAGE_EXPRESS is 0x010802). */
  public int pciClass() {
    return pciClass;
  }

  /**
   * dev_set_msi_domain for a device on a bus with a global MSI domain (a VMD's root bus in 6.12):
   * the MSI and MSI-X code use that domain instead of creating per-device domains.
   */
  public void setGlobalMsiDomain(irqlab.kernel.msi.MsiGlobalDomain d) {
    this.globalMsi = d;
  }

  public irqlab.kernel.msi.MsiGlobalDomain globalMsiDomain() {
    return globalMsi;
  }

  /**
   * dev_set_msi_domain for a device on a bus whose MSI parent is not the platform's (a VMD that
   * is an MSI parent, as from v6.17): per-device domains are created under {@code domain}.
   */
  public void setMsiParent(irqlab.kernel.msi.MsiParent parent, irqlab.kernel.domain.IrqDomain domain) {
    this.msiParent = parent;
    this.msiParentDomain = domain;
  }

  /**
   * pci_real_dma_dev (arch/x86/pci/common.c): a device in a VMD domain does DMA, and sends
   * messages, as the VMD endpoint; interrupt remapping verifies that id (set_msi_sid).
   */
  public void setRealDmaDev(PciDev d) {
    this.realDmaDev = d;
  }

  /** The device whose requester id this one's DMA carries, or null for itself. */
  public PciDev realDmaDev() {
    return realDmaDev;
  }

  /** The MSI parent the bus gave, or null for the platform's. */
  public irqlab.kernel.msi.MsiParent msiParent() {
    return msiParent;
  }

  public irqlab.kernel.domain.IrqDomain msiParentDomain() {
    return msiParentDomain;
  }

  @Override
  public String devName() {
    return name;
  }

  @Override
  public MsiDeviceData msiData() {
    return msiData;
  }

  public boolean msixEnabled() {
    return msixEnabled;
  }

  public boolean msiEnabled() {
    return msiEnabled;
  }

  /** pci_dev.pin: the INTx pin, 1..4 for INTA..INTD, 0 when the function has none. */
  public int pin() {
    return pin;
  }

  /** pci_dev.irq: the INTx line's Linux irq, 0 when the device has none routed. */
  public int irq() {
    return irq;
  }

  /** Whether the driver signals through INTx now (its vector 0 is {@link #irq()}). */
  public boolean intxInUse() {
    return intxInUse;
  }

  public int msixCap() {
    return msixCap;
  }

  /** Config offset of the MSI capability, 0 when the function has none (pci_dev.msi_cap). */
  public int msiCap() {
    return msiCap;
  }

  /** pci_msi_vec_count: the block the function can send (Multiple Message Capable); EINVAL without MSI. */
  public int msiVecCount() {
    if (msiCap == 0) {
      return -1;
    }
    return 1 << ((fn.configRead16(msiCap + MsiCapability.FLAGS) & MsiCapability.FLAGS_QMASK) >>> 1);
  }

  /** pci_msix_vec_count: table size from message control. */
  public int msixVecCount() {
    if (msixCap == 0) {
      return -1;
    }
    return (fn.configRead16(msixCap + MsixCapability.FLAGS) & MsixCapability.FLAGS_QSIZE) + 1;
  }
}
