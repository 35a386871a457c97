package irqlab.kernel.msi;

/**
 * What the chip data of a device's MSI interrupt leads to: its device domain (a per-device
 * domain's chip data is the domain itself; a global domain's chips keep their own data, a VMD's
 * its list entry, which knows the device's domain as msi_desc_to_dev does).
 */
public interface MsiChipData {
  MsiDeviceDomain msiDeviceDomain();

  /** The device domain of the interrupt {@code top} is the outermost level of. */
  static MsiDeviceDomain of(irqlab.kernel.irq.IrqData top) {
    return ((MsiChipData) top.chipData()).msiDeviceDomain();
  }
}
