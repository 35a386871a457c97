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

  public PciDev(PciFunction fn) {
    this.fn = fn;
    this.name = fn.bdf().toString();
    this.msixCap = findCapability(MsixCapability.CAP_ID);
    this.msiCap = findCapability(MsiCapability.CAP_ID);
    this.pin = fn.peekConfig8(irqlab.hw.pci.ConfigSpace.INTERRUPT_PIN);
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
