package irqlab.scenario;

import java.util.List;

/**
 * A PCI device. {@code msi}, {@code msix} and {@code ims} are null when the device lacks that
 * capability; {@code behind} is null unless the device sits behind a VMD. {@code bdf} is always
 * set (defaulted in declaration order) and in lower case.
 */
public record DeviceSpec(
    String id,
    String bdf,
    String type,
    String behind,
    MsiSpec msi,
    MsixSpec msix,
    ImsSpec ims,
    int queues,
    Loc loc) {

  public static final List<String> TYPES =
      List.of("nic", "nvme", "accelerator", "legacy-msi", "virtio-net", "e1000e", "ahci", "vmd");

  /**
   * Types driven by a model of their Linux driver, which asks for the vectors the Linux driver
   * asks for: their driver entry needs no {@code vectors}.
   */
  public static final List<String> LINUX_DRIVER_TYPES = List.of("nvme", "virtio-net", "e1000e", "ahci", "vmd");

  /** Whether this device's driver is a model of a Linux driver (no {@code vectors} needed). */
  public boolean linuxDriver() {
    return LINUX_DRIVER_TYPES.contains(type);
  }

  public boolean hasMsi() {
    return msi != null;
  }

  public boolean hasMsix() {
    return msix != null;
  }

  public boolean hasIms() {
    return ims != null;
  }
}
