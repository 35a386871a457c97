package irqlab.scenario;

import irqlab.kernel.cpu.CpuMask;
import java.util.Objects;

/**
 * A driver's interrupt affinity: kernel-managed spreading, no preference, or a fixed CPU set.
 * {@code cpus} is empty unless the kind is {@link Kind#CPUS}.
 */
public record Affinity(Kind kind, CpuMask cpus) {
  public enum Kind {
    MANAGED,
    NONE,
    CPUS
  }

  public static final Affinity NONE = new Affinity(Kind.NONE, CpuMask.EMPTY);
  public static final Affinity MANAGED = new Affinity(Kind.MANAGED, CpuMask.EMPTY);

  public Affinity {
    Objects.requireNonNull(kind);
    Objects.requireNonNull(cpus);
    if ((kind == Kind.CPUS) == cpus.isEmpty()) {
      throw new IllegalArgumentException("cpus must be non-empty exactly for kind CPUS");
    }
  }

  public static Affinity cpus(CpuMask cpus) {
    return new Affinity(Kind.CPUS, cpus);
  }

  @Override
  public String toString() {
    return kind == Kind.CPUS ? cpus.toList() : kind.name().toLowerCase(java.util.Locale.ROOT);
  }
}
