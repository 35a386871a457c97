package irqlab.scenario;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** PCI addresses in the {@code DDDD:BB:DD.F} form Linux prints, and the default numbering. */
final class PciAddress {
  private static final Pattern FORM =
      Pattern.compile("[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:([0-9a-fA-F]{2})\\.([0-7])");

  /** QEMU's q35 puts the first plugged-in device at slot 3; scenarios number from there. */
  private static final int FIRST_SLOT = 3;

  private PciAddress() {}

  /**
   * The canonical (lower-case) form of {@code text}.
   *
   * @throws IllegalArgumentException saying what was expected
   */
  static String parse(String text) {
    var m = FORM.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "expected a PCI address DDDD:BB:DD.F in hex, e.g. \"0000:00:03.0\", got "
              + YamlScalar.quote(text));
    }
    if (Integer.parseInt(m.group(1), 16) > 0x1f) {
      throw new IllegalArgumentException(
          "PCI device number " + m.group(1) + " in " + YamlScalar.quote(text)
              + " is above 1f");
    }
    return text.toLowerCase(Locale.ROOT);
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
