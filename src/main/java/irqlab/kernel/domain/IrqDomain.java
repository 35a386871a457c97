package irqlab.kernel.domain;

/** struct irq_domain: a named translation level with a parent. */
public final class IrqDomain {
  /** IRQ_DOMAIN_FLAG_* (include/linux/irqdomain.h). */
  public static final int FLAG_HIERARCHY = 1;
  public static final int FLAG_NAME_ALLOCATED = 1 << 1;
  public static final int FLAG_IPI_PER_CPU = 1 << 2;
  public static final int FLAG_IPI_SINGLE = 1 << 3;
  public static final int FLAG_MSI = 1 << 4;
  public static final int FLAG_ISOLATED_MSI = 1 << 5;
  public static final int FLAG_NO_MAP = 1 << 6;
  public static final int FLAG_MSI_PARENT = 1 << 8;
  public static final int FLAG_MSI_DEVICE = 1 << 9;
  public static final int FLAG_DESTROY_GC = 1 << 10;

  private final String name;
  private final IrqDomain parent;
  private final IrqDomainOps ops;
  private final int flags;
  private final BusToken busToken;
  private final Object hostData;
  private int mapped;
  private boolean removed;
  private int revmapSize;

  public IrqDomain(String name, IrqDomain parent, IrqDomainOps ops, int flags, BusToken busToken, Object hostData) {
    this.name = name;
    this.parent = parent;
    this.ops = ops;
    this.flags = flags;
    this.busToken = busToken;
    this.hostData = hostData;
  }

  public String name() {
    return name;
  }

  /** The debugfs file name: per-device domains get the bus token appended. */
  public String debugfsName() {
    return (flags & FLAG_MSI_DEVICE) != 0 || busToken == BusToken.DMAR ? name + "-" + busToken.value() : name;
  }

  public IrqDomain parent() {
    return parent;
  }

  public IrqDomainOps ops() {
    return ops;
  }

  public int flags() {
    return flags;
  }

  public boolean hasFlag(int f) {
    return (flags & f) != 0;
  }

  public BusToken busToken() {
    return busToken;
  }

  public Object hostData() {
    return hostData;
  }

  /** revmap_size: the linear map a domain created with a size has (INTEL-IR: 65536); debugfs "size". */
  public int revmapSize() {
    return revmapSize;
  }

  public void setRevmapSize(int size) {
    this.revmapSize = size;
  }

  /** Interrupts with a level in this domain. */
  public int mapped() {
    return mapped;
  }

  void addMapped(int n) {
    mapped += n;
  }

  public boolean removed() {
    return removed;
  }

  void markRemoved() {
    removed = true;
  }

  @Override
  public String toString() {
    return name;
  }
}
