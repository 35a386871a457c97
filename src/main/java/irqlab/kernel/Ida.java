package irqlab.kernel;

import java.util.BitSet;

/**
 * An ID allocator (lib/idr.c ida_alloc / ida_free): the lowest free number. Drivers number their
 * instances with one (nvme0, virtio0); the network core names interfaces the same way (eth0).
 */
public final class Ida {
  private final BitSet used = new BitSet();

  /** ida_alloc: the lowest free id. */
  public int alloc() {
    int id = used.nextClearBit(0);
    used.set(id);
    return id;
  }

  /** ida_free. */
  public void free(int id) {
    used.clear(id);
  }
}
