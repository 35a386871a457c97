package irqlab.scenario;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** PCI addresses in the {@code DDDD:BB:DD.F} form Linux prints, and the default numbering. */
final class PciAddress {
  private static final Pattern FORM =
      Pattern.compile("([0-9a-fA-F]{4,5}):([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\\.([0-7])");

  /** QEMU's q35 puts the first plugged-in device at slot 3; scenarios number from there. */
  private static final int FIRST_SLOT = 3;

  private PciAddress() {}

  /** Domains a VMD creates for the devices behind it start here (vmd_find_free_domain). */
  static final int FIRST_VMD_DOMAIN = 0x10000;

  /**
   * The canonical (lower-case) form of {@code text}. Domains have four hex digits, or five for
   * the PCI domains of VMDs, which Linux numbers from 10000.
   *
   * @throws IllegalArgumentException saying what was expected
   */
  static String parse(String text) {
    var m = FORM.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "expected a PCI address DDDD:BB:DD.F in hex, e.g. \"0000:00:03.0\" (or \"10000:01:00.0\""
              + " behind a VMD), got " + YamlScalar.quote(text));
    }
    if (Integer.parseInt(m.group(3), 16) > 0x1f) {
      throw new IllegalArgumentException(
          "PCI device number " + m.group(3) + " in " + YamlScalar.quote(text)
              + " is above 1f");
    }
    if (m.group(1).length() == 5 && Integer.parseInt(m.group(1), 16) < FIRST_VMD_DOMAIN) {
      throw new IllegalArgumentException(
          "a five-digit PCI domain is a VMD's, from 10000 up; got " + YamlScalar.quote(text));
    }
    return text.toLowerCase(Locale.ROOT);
  }

  /** The domain number of canonical address {@code bdf}. */
  static int domain(String bdf) {
    return Integer.parseInt(bdf.substring(0, bdf.indexOf(':')), 16);
  }

  /** The bus number of canonical address {@code bdf}. */
  static int bus(String bdf) {
    int c = bdf.indexOf(':');
    return Integer.parseInt(bdf.substring(c + 1, c + 3), 16);
  }

  /** An address in a VMD's domain: {@code domain:bus:00.0}, each child behind its own root port. */
  static String vmdChild(int domain, int bus) {
    return String.format("%x:%02x:00.0", domain, bus);
  }

  /**
   * The first address in the default sequence (0000:00:03.0, 0000:00:04.0, ... 0000:00:1f.0,
   * 0000:01:00.0, ...) that is not in {@code used}.
   */
  static String nextFree(Set<String> used) {
    for (int n = FIRST_SLOT; ; n++) {
      String a = String.format("%04x:%02x:%02x.0", n / 8192, n / 32 % 256, n % 32);
      if (!used.contains(a)) {
        return a;
      }
    }
  }
}
