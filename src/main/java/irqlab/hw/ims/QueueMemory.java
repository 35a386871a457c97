package irqlab.hw.ims;

import irqlab.exec.Access;
import irqlab.exec.Exec;
import irqlab.exec.Resource;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * Host RAM that a driver shares with its device as queue memory (dma_alloc_coherent): 32-bit
 * words at byte addresses, handed out once and never returned. CPU accesses and device DMA are
 * scheduling points; {@link #peek} is for observers and views.
 */
public final class QueueMemory {
  /** Where handed-out memory starts: above 4 GiB, clear of the MSI window at 0xFEE00000. */
  public static final long BASE = 0x1_0000_0000L;
  private static final int ALIGN = 64;

  private final Exec exec;
  /** One conflict unit per 64-byte line: a queue context. */
  private final Resource resource = Resource.of("host memory", 6, off -> String.format("0x%x", off));
  private int[] words = new int[0];
  private long top = BASE;

  public QueueMemory(Exec exec) {
    this.exec = exec;
  }

  /** The execution environment its accesses are scheduling points of. */
  public Exec exec() {
    return exec;
  }

  /** A zeroed region of {@code bytes}, cache-line aligned; returns its address. */
  public long allocate(long bytes) {
    long at = top;
    long end = at + ((bytes + ALIGN - 1) / ALIGN) * ALIGN;
    long needWords = (end - BASE) >>> 2;
    if (needWords > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("host memory exhausted: " + bytes + " bytes more");
    }
    if (needWords > words.length) {
      words = Arrays.copyOf(words, (int) Math.max(needWords, Math.min(Integer.MAX_VALUE - 8, words.length * 2L)));
    }
    top = end;
    return at;
  }

  private int index(long address) {
    long i = (address - BASE) >>> 2;
    if (address < BASE || (address & 3) != 0 || address >= top) {
      throw new IllegalArgumentException(String.format("bad host memory address 0x%x", address));
    }
    return (int) i;
  }

  /** A CPU load. */
  public int read32(long address) {
    exec.point("mem read", resource, address, Access.READ);
    int v = words[index(address)];
    exec.traceValue(v & 0xffffffffL);
    return v;
  }

  /** A CPU store. */
  public void write32(long address, int value) {
    exec.point("mem write", resource, address, Access.WRITE);
    exec.traceValue(value & 0xffffffffL);
    words[index(address)] = value;
  }

  /** A device's DMA read. */
  public int dmaRead32(long address) {
    exec.point("dma read", resource, address, Access.READ);
    return words[index(address)];
  }

  /** A device's DMA write. */
  public void dmaWrite32(long address, int value) {
    exec.point("dma write", resource, address, Access.WRITE);
    words[index(address)] = value;
  }

  /**
   * A DMA read whose address is resolved once the access gets the bus, after its scheduling
   * point: an agent that may be reset meanwhile can drop the access by throwing instead.
   */
  public int dmaRead32(LongSupplier address) {
    exec.point("dma read", resource, Resource.ANY_OFFSET, Access.READ);
    return words[index(address.getAsLong())];
  }

  /** A DMA write whose address is resolved after its scheduling point, as {@link #dmaRead32(LongSupplier)}. */
  public void dmaWrite32(LongSupplier address, int value) {
    exec.point("dma write", resource, Resource.ANY_OFFSET, Access.WRITE);
    words[index(address.getAsLong())] = value;
  }

  /** The word at {@code address} without an access: for observers. */
  public int peek(long address) {
    return words[index(address)];
  }
}
