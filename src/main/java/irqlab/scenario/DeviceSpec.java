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
    Loc loc,
    List<String> features) {

  /**
   * What a vmd device may declare (drivers/pci/controller/vmd.c enum vmd_features):
   * VMD_FEAT_OFFSET_FIRST_VECTOR (client parts keep MSI-X vector 0 for software triggering) and
   * VMD_FEAT_CAN_BYPASS_MSI_REMAP (28C0: children's messages pass through to the platform).
   */
  public static final List<String> VMD_FEATURES = List.of("offset-first-vector", "bypass");

  public DeviceSpec {
    features = List.copyOf(features);
  }

  /** A device without features (every type but vmd). */
  public DeviceSpec(String id, String bdf, String type, String behind, MsiSpec msi, MsixSpec msix, ImsSpec ims,
      int queues, Loc loc) {
    this(id, bdf, type, behind, msi, msix, ims, queues, loc, List.of());
  }

  /** Whether the device declares feature {@code name} (a vmd's {@code features}). */
  public boolean hasFeature(String name) {
    return features.contains(name);
  }

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
