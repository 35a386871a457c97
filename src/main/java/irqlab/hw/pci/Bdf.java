package irqlab.hw.pci;

/**
 * A PCI address: domain, bus, device, function; the requester id is bus:dev.fn. ACPI segments are
 * 16 bits; domains from 0x10000 are the ones a VMD creates for the devices behind it
 * (drivers/pci/controller/vmd.c vmd_find_free_domain), printed with five digits ("10000:01:00.0").
 */
public record Bdf(int domain, int bus, int device, int function) {
  /** The first PCI domain number that is no ACPI segment: VMD domains start here. */
  public static final int FIRST_VMD_DOMAIN = 0x10000;

  public Bdf {
    if (domain < 0 || bus < 0 || bus > 0xff || device < 0 || device > 0x1f
        || function < 0 || function > 7) {
      throw new IllegalArgumentException("bad PCI address");
    }
  }

  /** Parses "0000:00:03.0". */
  public static Bdf parse(String s) {
    String[] a = s.split("[:.]");
    if (a.length != 4) {
      throw new IllegalArgumentException("bad PCI address '" + s + "'");
    }
    return new Bdf(
        Integer.parseInt(a[0], 16),
        Integer.parseInt(a[1], 16),
        Integer.parseInt(a[2], 16),
        Integer.parseInt(a[3], 16));
  }

  public int requesterId() {
    return (bus << 8) | (device << 3) | function;
  }

  @Override
  public String toString() {
    return String.format("%04x:%02x:%02x.%x", domain, bus, device, function);
  }
}
