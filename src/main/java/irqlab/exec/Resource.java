package irqlab.exec;

/**
 * Something steps touch: a register block, a memory range, a lock. Scheduling points name the
 * resource and the offset their step is about to access, so that the explorer can tell steps that
 * may race (same resource, same unit) from steps that commute, and traces can say what was
 * accessed. Offsets are grouped into conflict units of {@code 1 << unitShift} bytes: an MSI-X
 * entry (16 bytes) is one unit, because a device reads all its words in one go.
 *
 * <p>The explore runtime numbers resources in the order it first sees them, so a schedule's
 * numbering is a function of the schedule alone. A resource belongs to one machine.
 */
public class Resource {
  /** Names one offset of a resource for traces ("msix[1].data"); null: the offset in hex. */
  @FunctionalInterface
  public interface Naming {
    String name(long offset);
  }

  /** Maps an offset to its conflict unit. */
  @FunctionalInterface
  public interface Units {
    long unit(long offset);
  }

  /** The offset to name when an access's address is known only after its point. */
  public static final long ANY_OFFSET = Long.MIN_VALUE;
  /** The unit of {@link #ANY_OFFSET}: conflicts with every unit of the resource. */
  public static final long ANY_UNIT = -1;

  /** The name, or null until a subclass makes it (a million descriptor locks are never named). */
  private String name;
  private Object owner;
  private int key = -1;

  /** A resource whose every offset is one unit (a lock, an APIC). */
  public Resource(String name) {
    this.name = name;
  }

  /**
   * A one-unit resource that is also the thing it guards (a lock is its own resource: one object
   * per lock, not two), named by {@link #makeName} when first asked.
   */
  protected Resource() {}

  /** A resource of units of {@code 1 << unitShift} bytes, offsets named by {@code naming} (null: hex). */
  public static Resource of(String name, int unitShift, Naming naming) {
    if (unitShift < 0 || unitShift > 62) {
      throw new IllegalArgumentException("unit shift " + unitShift);
    }
    return new Divided(name, off -> off >>> unitShift, naming);
  }

  /** A resource divided into units by {@code units}, offsets named by {@code naming} (null: hex). */
  public static Resource of(String name, Units units, Naming naming) {
    return new Divided(name, units, naming);
  }

  /** A resource of several units: the one-unit kind (locks, APICs, one per irq) carries no mapping. */
  private static final class Divided extends Resource {
    private final Units units;
    private final Naming naming;

    Divided(String name, Units units, Naming naming) {
      super(name);
      this.units = units;
      this.naming = naming;
    }

    @Override
    protected long unitOf(long offset) {
      return units.unit(offset);
    }

    @Override
    protected String nameOf(long offset) {
      return naming != null ? naming.name(offset) : String.format("0x%x", offset);
    }
  }

  public final String name() {
    String n = name;
    if (n == null) {
      n = name = makeName();
    }
    return n;
  }

  /** The name of a resource made without one; only subclasses using {@link #Resource()} make one. */
  protected String makeName() {
    throw new IllegalStateException("a resource without a name");
  }

  /** The conflict unit of {@code offset}. */
  public final long unit(long offset) {
    return offset == ANY_OFFSET ? ANY_UNIT : unitOf(offset);
  }

  /** The unit of a real offset: 0 for a one-unit resource. */
  protected long unitOf(long offset) {
    return 0;
  }

  /** A readable name of {@code offset} within the resource, e.g. "msix[1].data". */
  public String describe(long offset) {
    if (offset == ANY_OFFSET) {
      return "";
    }
    return nameOf(offset);
  }

  /** The name of a real offset: nothing for a one-unit resource. */
  protected String nameOf(long offset) {
    return "";
  }

  /** The number {@code runtime} gave this resource, or -1 when it has not numbered it. */
  public int key(Object runtime) {
    return owner == runtime ? key : -1;
  }

  /** Numbers the resource for {@code runtime}, the one that met it first in this schedule. */
  public void assignKey(Object runtime, int k) {
    owner = runtime;
    key = k;
  }

  @Override
  public String toString() {
    return name();
  }
}
