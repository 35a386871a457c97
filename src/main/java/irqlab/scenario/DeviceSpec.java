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
      List.of("nic", "nvme", "accelerator", "legacy-msi", "vmd");

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
