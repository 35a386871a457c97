package irqlab.kernel;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A named kernel version ({@code machine.kernel.version}): the behaviours in which it differs from
 * Linux 6.12.117 as Debian ships it, the kernel of the reference dumps and irqlab's default. A
 * profile changes nothing else; the kernel code asks {@link #has} exactly where a behaviour differs.
 * Designs no kernel shipped are {@link Variants}, not profiles.
 */
public final class KernelProfile {
  /** A behaviour a profile changes against 6.12.117, with the commit that changed it. */
  public enum Behaviour {
    /**
     * msi_set_affinity writes every MSI message directly: the non-maskable quirk bit its detour
     * test looked at was never set after ef8dd01538ea (v5.17), until b56ebe7c896d (v6.7, and the
     * stable kernels after it) replaced the test with !irqd_can_reserve.
     */
    MSI_DETOUR_DEAD("ef8dd01538ea", "arch/x86/kernel/apic/msi.c msi_set_affinity",
        "direct write when !irqd_can_reserve (b56ebe7c896d): non-maskable MSI and managed lines go"
            + " direct, maskable unmanaged MSI and MSI-X take the detour",
        "the detour tests a quirk bit nothing sets: every MSI move is a direct write"),
    /**
     * Commit 788019eb559f (v6.16): irq_shutdown adds a disable level, IRQ_STARTUP_ABORT leaves
     * depth 1, and a CPU coming back takes back only the shutdown's level (irq_startup_managed),
     * so a driver's disable_irq survives CPU offline and online.
     */
    MANAGED_DEPTH_KEPT("788019eb559f",
        "kernel/irq/chip.c irq_shutdown, irq_startup; kernel/irq/cpuhotplug.c irq_restore_affinity_of_irq",
        "irq_shutdown sets depth 1, IRQ_STARTUP_ABORT leaves depth 0, a returning CPU calls"
            + " irq_startup: a driver's disable_irq on a managed irq is undone by CPU offline + online",
        "irq_shutdown adds a level, IRQ_STARTUP_ABORT sets depth 1, a returning CPU calls"
            + " irq_startup_managed (depth - 1, start at 0): the driver's disable survives"),
    /**
     * Commit 2b32fc8ff08d (v6.16): irq_startup_managed clears IRQD_MANAGED_SHUTDOWN itself, so that
     * the second CPU of a mask coming back does not take another level.
     */
    MANAGED_RESTART_CLEARS_SHUTDOWN("2b32fc8ff08d", "kernel/irq/chip.c irq_startup_managed",
        "(no irq_startup_managed)",
        "irq_startup_managed clears IRQD_MANAGED_SHUTDOWN first: one level per shutdown, however many"
            + " CPUs of the mask come back");

    private final String commit;
    private final String where;
    private final String in612;
    private final String changed;

    Behaviour(String commit, String where, String in612, String changed) {
      this.commit = commit;
      this.where = where;
      this.in612 = in612;
      this.changed = changed;
    }

    /** The commit (12 hex digits) that introduced the changed behaviour. */
    public String commit() {
      return commit;
    }

    /** The kernel file and functions where it differs. */
    public String where() {
      return where;
    }

    /** What 6.12.117 does. */
    public String in612() {
      return in612;
    }

    /** What a profile with this behaviour does instead. */
    public String changed() {
      return changed;
    }
  }

  /** Linux 6.12.117 as shipped: the reference dumps' kernel and the default. */
  public static final KernelProfile V6_12 =
      new KernelProfile("6.12", "Linux 6.12.117 as shipped", EnumSet.noneOf(Behaviour.class));

  /**
   * 6.12.117 with the v6.16 disable-depth handling of managed interrupts (the kernel that added
   * kernel/irq/irq_test.c, whose KUnit cases the kunit-* built-ins replay).
   */
  public static final KernelProfile V6_16 = new KernelProfile("6.16",
      "6.12.117 with v6.16's managed-interrupt disable depth",
      EnumSet.of(Behaviour.MANAGED_DEPTH_KEPT, Behaviour.MANAGED_RESTART_CLEARS_SHUTDOWN));

  /** 6.12.117 with msi_set_affinity as v5.17 to v6.6 shipped it (before the b56ebe7c896d backport). */
  public static final KernelProfile V6_6 = new KernelProfile("6.6",
      "6.12.117 with v6.6's msi_set_affinity (detour never taken)", EnumSet.of(Behaviour.MSI_DETOUR_DEAD));

  /** Every profile this build knows, the default first. */
  public static final List<KernelProfile> KNOWN = List.of(V6_12, V6_16, V6_6);

  private final String name;
  private final String summary;
  private final Set<Behaviour> behaviours;

  private KernelProfile(String name, String summary, Set<Behaviour> behaviours) {
    this.name = name;
    this.summary = summary;
    this.behaviours = Set.copyOf(behaviours);
  }

  /** The default: 6.12.117 as shipped. */
  public static KernelProfile defaultProfile() {
    return V6_12;
  }

  /** The profile called {@code name}, or null. */
  public static KernelProfile named(String name) {
    for (KernelProfile p : KNOWN) {
      if (p.name.equals(name)) {
        return p;
      }
    }
    return null;
  }

  /** The known names, comma-separated, for error messages. */
  public static String knownNames() {
    List<String> names = new ArrayList<>();
    for (KernelProfile p : KNOWN) {
      names.add(p.name);
    }
    return String.join(", ", names);
  }

  /** The version as machine.kernel.version spells it ("6.12"). */
  public String name() {
    return name;
  }

  public String summary() {
    return summary;
  }

  public boolean has(Behaviour b) {
    return behaviours.contains(b);
  }

  /** The changed behaviours, in declaration order. */
  public List<Behaviour> behaviours() {
    List<Behaviour> l = new ArrayList<>();
    for (Behaviour b : Behaviour.values()) {
      if (behaviours.contains(b)) {
        l.add(b);
      }
    }
    return l;
  }

  /** "6.16 (6.12.117 with v6.16's ...: 788019eb559f, 2b32fc8ff08d)", as run and show print it. */
  public String describe() {
    StringBuilder sb = new StringBuilder(name).append(" (").append(summary);
    List<Behaviour> bs = behaviours();
    for (int i = 0; i < bs.size(); i++) {
      sb.append(i == 0 ? ": " : ", ").append(bs.get(i).commit());
    }
    return sb.append(')').toString();
  }

  @Override
  public String toString() {
    return name;
  }
}
