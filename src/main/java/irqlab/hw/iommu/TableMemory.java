package irqlab.hw.iommu;

import irqlab.exec.Access;
import irqlab.exec.Exec;
import irqlab.exec.Resource;
import java.util.HashMap;
import java.util.Map;

/**
 * The host RAM the interrupt remapping table lives in: sparse 4 KiB pages of quadwords at
 * physical addresses, created zeroed on first touch. The kernel's stores ({@link #write64}) are
 * scheduling points, since a device may send a request between two of them; the unit's reads
 * ({@link #dmaRead64}) are part of the request that is running and are not.
 */
public final class TableMemory {
  public static final int PAGE_SHIFT = 12;
  private static final int QWORDS_PER_PAGE = 1 << (PAGE_SHIFT - 3);

  private final Exec exec;
  private final Map<Long, long[]> pages = new HashMap<>();
  /** One conflict unit per 16-byte table entry (an IRTE). */
  private final Resource resource = Resource.of("remapping table memory", 4, off -> String.format("0x%x", off));

  public TableMemory(Exec exec) {
    this.exec = exec;
  }

  /**
   * A direct-mapped cache of the pages last touched, by page number: a remapping table of 65,536
   * entries spans 256 pages, all of which fit, so a read finds its page without a boxed key.
   */
  private static final int CACHED = 512;
  private final long[] cachedPage = filled(CACHED, -1);
  private final long[][] cachedWords = new long[CACHED][];

  private static long[] filled(int n, long v) {
    long[] a = new long[n];
    java.util.Arrays.fill(a, v);
    return a;
  }

  private long[] page(long pa) {
    long p = pa >>> PAGE_SHIFT;
    int i = (int) (p & (CACHED - 1));
    if (cachedPage[i] == p) {
      return cachedWords[i];
    }
    long[] w = pages.computeIfAbsent(p, x -> new long[QWORDS_PER_PAGE]);
    cachedPage[i] = p;
    cachedWords[i] = w;
    return w;
  }

  private static int slot(long pa) {
    if ((pa & 7) != 0) {
      throw new IllegalArgumentException("unaligned quadword access at 0x" + Long.toHexString(pa));
    }
    return (int) ((pa >>> 3) & (QWORDS_PER_PAGE - 1));
  }

  /** A CPU store of one quadword (WRITE_ONCE). */
  public void write64(long pa, long value) {
    exec.point("memory write", resource, pa, Access.WRITE);
    exec.traceValue(value);
    page(pa)[slot(pa)] = value;
  }

  /** A CPU load. */
  public long read64(long pa) {
    exec.point("memory read", resource, pa, Access.READ);
    long v = page(pa)[slot(pa)];
    exec.traceValue(v);
    return v;
  }

  /** The unit's read while it handles a request. */
  public long dmaRead64(long pa) {
    return page(pa)[slot(pa)];
  }

  /** For views: no scheduling point. */
  public long peek64(long pa) {
    return page(pa)[slot(pa)];
  }
}
