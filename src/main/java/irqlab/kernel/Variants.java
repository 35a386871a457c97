package irqlab.kernel;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Known-bad historical designs that a scenario can switch on by name, so that the explorer can
 * show a bug and its fix side by side. The default of every choice is the correct design.
 */
public final class Variants {
  /**
   * Rewrite an MSI-X entry's address and data while it is unmasked, word by word, as PCI code did
   * before the entry was masked for updates (drivers/pci/msi/msi.c, __pci_write_msi_msg).
   */
  public static final String MSIX_UNMASKED_UPDATE = "msix-unmasked-update";

  /** A named variant and what it changes. */
  public record Variant(String name, String description) {}

  /** Every variant this build knows. */
  public static final List<Variant> KNOWN = List.of(
      new Variant(MSIX_UNMASKED_UPDATE,
          "affinity changes rewrite an unmasked MSI-X entry word by word (no mask around the update)"));

  private final Set<String> enabled;

  public Variants(Iterable<String> names) {
    TreeSet<String> s = new TreeSet<>();
    for (String n : names) {
      if (!isKnown(n)) {
        throw new IllegalArgumentException("unknown variant '" + n + "'");
      }
      s.add(n);
    }
    this.enabled = Set.copyOf(s);
  }

  public static Variants none() {
    return new Variants(List.of());
  }

  public static boolean isKnown(String name) {
    for (Variant k : KNOWN) {
      if (k.name().equals(name)) {
        return true;
      }
    }
    return false;
  }

  public boolean on(String name) {
    return enabled.contains(name);
  }

  public Set<String> enabled() {
    return new TreeSet<>(enabled);
  }
}
