package irqlab.kernel.msi;

/** struct msi_device_data: at most two domains per device, by id. */
public final class MsiDeviceData {
  /** MSI_DEFAULT_DOMAIN and MSI_SECONDARY_DOMAIN (include/linux/msi_api.h). */
  public static final int DEFAULT_DOMAIN = 0;
  public static final int SECONDARY_DOMAIN = 1;
  public static final int MAX_DEVICE_IRQDOMAINS = 2;

  private final MsiDeviceDomain[] domains = new MsiDeviceDomain[MAX_DEVICE_IRQDOMAINS];

  public MsiDeviceDomain domain(int id) {
    return id >= 0 && id < domains.length ? domains[id] : null;
  }

  void set(int id, MsiDeviceDomain d) {
    domains[id] = d;
  }
}
