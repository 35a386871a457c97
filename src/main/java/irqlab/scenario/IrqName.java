package irqlab.scenario;

import java.util.List;

/** An interrupt as scenarios and views name it: {@code <device>/<msi|msix|ims|intx>/<index>}. */
public record IrqName(String device, String kind, int index) {
  public static final List<String> KINDS = List.of("msi", "msix", "ims", "intx");

  /**
   * Parses {@code nic0/msix/3}.
   *
   * @throws IllegalArgumentException with a message fit to follow "got 'x': "
   */
  public static IrqName parse(String text) {
    String[] parts = text.split("/", -1);
    if (parts.length != 3 || parts[0].isEmpty()) {
      throw new IllegalArgumentException(
          "expected an interrupt name <device>/<msi|msix|ims|intx>/<index>, got '" + text + "'");
    }
    if (!KINDS.contains(parts[1])) {
      throw new IllegalArgumentException(
          "unknown interrupt kind '" + parts[1] + "' in '" + text + "'; expected msi, msix, ims"
              + " or intx");
    }
    // Nine digits keep the value inside an int; no real device has that many vectors anyway.
    if (!parts[2].matches("[0-9]{1,9}")) {
      throw new IllegalArgumentException(
          "expected a vector index (a non-negative integer) after '" + parts[0] + "/" + parts[1]
              + "/', got '" + parts[2] + "'");
    }
    return new IrqName(parts[0], parts[1], Integer.parseInt(parts[2]));
  }

  @Override
  public String toString() {
    return device + "/" + kind + "/" + index;
  }
}
