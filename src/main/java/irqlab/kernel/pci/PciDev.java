package irqlab.kernel.pci;

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

  public PciDev(PciFunction fn) {
    this.fn = fn;
    this.name = fn.bdf().toString();
    this.msixCap = findCapability(MsixCapability.CAP_ID);
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

  public int msixCap() {
    return msixCap;
  }

  /** pci_msix_vec_count: table size from message control. */
  public int msixVecCount() {
    if (msixCap == 0) {
      return -1;
    }
    return (fn.configRead16(msixCap + MsixCapability.FLAGS) & MsixCapability.FLAGS_QSIZE) + 1;
  }
}
