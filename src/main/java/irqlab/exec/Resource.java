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
  private final Units units;
  private final Naming naming;
  private Object owner;
  private int key = -1;

  /** A resource whose every offset is one unit (a lock, an APIC). */
  public Resource(String name) {
    this(name, off -> 0, off -> "");
  }

  /**
   * A one-unit resource that is also the thing it guards (a lock is its own resource: one object
   * per lock, not two), named by {@link #makeName} when first asked.
   */
  protected Resource() {
    this.units = off -> 0;
    this.naming = off -> "";
  }

  /** Units of {@code 1 << unitShift} bytes. */
  public Resource(String name, int unitShift, Naming naming) {
    this(name, off -> off >>> unitShift, naming);
    if (unitShift < 0 || unitShift > 62) {
      throw new IllegalArgumentException("unit shift " + unitShift);
    }
  }

  public Resource(String name, Units units, Naming naming) {
    this.name = name;
    this.units = units;
    this.naming = naming;
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
  public long unit(long offset) {
    return offset == ANY_OFFSET ? ANY_UNIT : units.unit(offset);
  }

  /** A readable name of {@code offset} within the resource, e.g. "msix[1].data". */
  public String describe(long offset) {
    if (offset == ANY_OFFSET) {
      return "";
    }
    return naming != null ? naming.name(offset) : String.format("0x%x", offset);
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
