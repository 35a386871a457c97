package irqlab.kernel.msi;

/** A device that can own MSI domains (struct device with its msi.data). */
public interface MsiDevice {
  /** dev_name(): "0000:00:03.0" for PCI. */
  String devName();

  /** The device's per-domain slots. */
  MsiDeviceData msiData();
}
