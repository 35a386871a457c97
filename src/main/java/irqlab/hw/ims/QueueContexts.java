package irqlab.hw.ims;


/**
 * IMS in queue memory: each work queue has a context in host memory holding its producer pointer
 * (written by the device), its consumer pointer (written by the CPU) and its interrupt message and
 * control word. The device keeps the contexts it works on in a small cache (least recently used
 * goes first) and, when it evicts one, writes its device-owned words (producer, message, control)
 * back to memory. A CPU store to a cached context's message or control is therefore invisible to
 * the device and is later overwritten by the write-back: changes must go through the device's
 * command queue, which updates memory and the cached copy together.
 *
 * <p>A queue signals when its control word has ENABLE set and MASK clear. A masked queue records
 * nothing: on unmask the device compares the queue's pointers and resends if work is waiting.
 *
 * <p>The device's work (completions) and its command engine share the cache, one operation at a
 * time: an operation that finds the other one in progress waits until it is done (their bus
 * accesses are still points at which the CPUs run; only the two device agents do not interleave
 * inside the cache).
 */
public final class QueueContexts {
  public static final int CTX_SIZE = 32;
  public static final int PRODUCER = 0;
  public static final int CONSUMER = 4;
  public static final int ADDR_LO = 8;
  public static final int ADDR_HI = 12;
  public static final int DATA = 16;
  public static final int CTRL = 20;
  public static final int CTRL_MASKBIT = 1;
  public static final int CTRL_ENABLE = 1 << 1;

  /** What the device's context handling does that an observer may want to know. */
  public interface Listener {
    /** A write-back overwrote a change the CPU had stored into memory behind the device's back. */
    default void staleWriteBack(int queue) {}

    /** An unmask found work waiting and resent the queue's message. */
    default void resent(int queue) {}
  }

  /**
   * An operation overtaken by a device reset or a new context table: the device drops it, and
   * none of its later accesses happens (the reset quiesces the device's DMA).
   */
  public static final class Aborted extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Aborted() {
      super("queue context operation aborted by a reset", null, false, false);
    }
  }

  private static final Aborted ABORTED = new Aborted();

  private final QueueMemory mem;
  /** Bumped whenever the cached state is dropped (reset, new table): operations begun before abort. */
  private long generation;
  private final int queues;
  private final ImsSlotArray.MessagePort port;
  private Listener listener = new Listener() {};
  private long base;
  /** The last table address programmed, kept across a reset so that observers still find the pointers. */
  private long knownBase;
  // The cache: N entries in a doubly linked LRU list, head = most recently used.
  private final int[] entryQueue;
  private final int[] prev;
  private final int[] next;
  private final int[] cachedProducer;
  private final int[] cachedLo;
  private final int[] cachedHi;
  private final int[] cachedData;
  private final int[] cachedCtrl;
  private final int[] queueEntry;
  private int head = -1;
  private int tail = -1;
  private int used;
  private long hits;
  private long misses;
  private long writeBacks;
  private long staleWriteBacks;
  /** An operation of one of the device's agents is in progress (operations do not nest). */
  private boolean busy;

  public QueueContexts(QueueMemory mem, int queues, int cacheEntries, ImsSlotArray.MessagePort port) {
    this.mem = mem;
    this.queues = queues;
    this.port = port;
    int n = Math.max(1, cacheEntries);
    entryQueue = new int[n];
    prev = new int[n];
    next = new int[n];
    cachedProducer = new int[n];
    cachedLo = new int[n];
    cachedHi = new int[n];
    cachedData = new int[n];
    cachedCtrl = new int[n];
    queueEntry = new int[queues];
    invalidate();
  }

  public void setListener(Listener l) {
    this.listener = l;
  }

  public QueueMemory memory() {
    return mem;
  }

  /** The context table's address, as the driver programmed it (0: not yet). */
  public long base() {
    return base;
  }

  public void setBase(long base) {
    if (base != this.base) {
      invalidate(); // cached copies belong to the old table
    }
    this.base = base;
    if (base != 0) {
      knownBase = base;
    }
  }

  public int cacheEntries() {
    return entryQueue.length;
  }

  /** Address of {@code queue}'s context word {@code off}. */
  public long address(int queue, int off) {
    return base + (long) queue * CTX_SIZE + off;
  }

  /**
   * The address of {@code queue}'s word {@code off} for an access of an operation begun in
   * generation {@code g}, resolved when the access gets the bus: a reset or a new table since
   * then, or no table at all, aborts the operation.
   */
  private long live(long g, int queue, int off) {
    if (g != generation || base == 0) {
      throw ABORTED;
    }
    return address(queue, off);
  }

  private int dmaRead(long g, int queue, int off) {
    return mem.dmaRead32(() -> live(g, queue, off));
  }

  private void dmaWrite(long g, int queue, int off, int value) {
    mem.dmaWrite32(() -> live(g, queue, off), value);
  }

  public boolean cached(int queue) {
    return queueEntry[queue] >= 0;
  }

  // ---- work ----

  /** One completion on {@code queue}: producer moves on (written through), then the queue signals. */
  public void complete(int queue) {
    enter();
    try {
      doComplete(queue);
    } finally {
      busy = false;
    }
  }

  private void doComplete(int queue) {
    long g = generation;
    int e = touch(g, queue);
    cachedProducer[e]++;
    dmaWrite(g, queue, PRODUCER, cachedProducer[e]);
    if (sendable(cachedCtrl[e])) {
      send(cachedLo[e], cachedHi[e], cachedData[e]);
    }
  }

  private static boolean sendable(int ctrl) {
    return (ctrl & CTRL_ENABLE) != 0 && (ctrl & CTRL_MASKBIT) == 0;
  }

  private void send(int lo, int hi, int data) {
    port.send((lo & 0xffffffffL) | ((long) hi << 32), data);
  }

  // ---- commands (each updates memory and the cached copy together) ----

  /** A new message; the control word is kept. */
  public void setMessage(int queue, int lo, int hi, int data) {
    enter();
    try {
      setMessage(generation, queue, lo, hi, data);
    } finally {
      busy = false;
    }
  }

  private void setMessage(long g, int queue, int lo, int hi, int data) {
    dmaWrite(g, queue, ADDR_LO, lo);
    dmaWrite(g, queue, ADDR_HI, hi);
    dmaWrite(g, queue, DATA, data);
    int e = queueEntry[queue];
    if (e >= 0) {
      cachedLo[e] = lo;
      cachedHi[e] = hi;
      cachedData[e] = data;
    }
  }

  /** Mask or unmask; an unmask resends when the pointers show waiting work. */
  public void setMasked(int queue, boolean masked) {
    enter();
    try {
      doSetMasked(queue, masked);
    } finally {
      busy = false;
    }
  }

  private void doSetMasked(int queue, boolean masked) {
    long g = generation;
    int ctrl = ctrl(g, queue);
    writeCtrl(g, queue, masked ? ctrl | CTRL_MASKBIT : ctrl & ~CTRL_MASKBIT);
    if (!masked) {
      resendIfPending(g, queue);
    }
  }

  /** Startup: message, enable and unmask in one, then the same resend check. */
  public void startup(int queue, int lo, int hi, int data) {
    enter();
    try {
      doStartup(queue, lo, hi, data);
    } finally {
      busy = false;
    }
  }

  private void doStartup(int queue, int lo, int hi, int data) {
    long g = generation;
    setMessage(g, queue, lo, hi, data);
    writeCtrl(g, queue, CTRL_ENABLE);
    resendIfPending(g, queue);
  }

  /** Teardown: disabled, masked, message cleared, and the context leaves the cache. */
  public void teardown(int queue) {
    enter();
    try {
      doTeardown(queue);
    } finally {
      busy = false;
    }
  }

  private void doTeardown(int queue) {
    long g = generation;
    setMessage(g, queue, 0, 0, 0);
    writeCtrl(g, queue, CTRL_MASKBIT);
    int e = queueEntry[queue];
    if (e >= 0) {
      unlink(e);
      queueEntry[queue] = -1;
      entryQueue[e] = -1;
      used--;
    }
  }

  /**
   * The start of one operation of a device agent on the cache (each public operation clears
   * {@code busy} when it ends): after the other agent's operation, if one is in progress. Run
   * mode never finds one in progress: there an operation has no points.
   */
  private void enter() {
    if (busy) {
      mem.exec().waitUntil("queue context cache", () -> !busy);
    }
    busy = true;
  }

  private int ctrl(long g, int queue) {
    int e = queueEntry[queue];
    return e >= 0 ? cachedCtrl[e] : dmaRead(g, queue, CTRL);
  }

  private void writeCtrl(long g, int queue, int ctrl) {
    dmaWrite(g, queue, CTRL, ctrl);
    int e = queueEntry[queue];
    if (e >= 0) {
      cachedCtrl[e] = ctrl;
    }
  }

  private void resendIfPending(long g, int queue) {
    int e = queueEntry[queue];
    int producer = e >= 0 ? cachedProducer[e] : dmaRead(g, queue, PRODUCER);
    int consumer = dmaRead(g, queue, CONSUMER);
    if (producer == consumer) {
      return;
    }
    int ctrl = e >= 0 ? cachedCtrl[e] : dmaRead(g, queue, CTRL);
    if (!sendable(ctrl)) {
      return;
    }
    listener.resent(queue);
    if (e >= 0) {
      send(cachedLo[e], cachedHi[e], cachedData[e]);
    } else {
      send(dmaRead(g, queue, ADDR_LO), dmaRead(g, queue, ADDR_HI), dmaRead(g, queue, DATA));
    }
  }

  // ---- the cache ----

  /** The cache entry of {@code queue}, filled from memory on a miss (evicting the LRU entry). */
  private int touch(long g, int queue) {
    int e = queueEntry[queue];
    if (e >= 0) {
      hits++;
      if (e != head) {
        unlink(e);
        pushHead(e);
      }
      return e;
    }
    misses++;
    if (used == entryQueue.length) {
      e = tail;
      writeBack(g, e);
      unlink(e);
      queueEntry[entryQueue[e]] = -1;
    } else {
      e = freeEntry();
      used++;
    }
    entryQueue[e] = queue;
    queueEntry[queue] = e;
    cachedProducer[e] = dmaRead(g, queue, PRODUCER);
    cachedLo[e] = dmaRead(g, queue, ADDR_LO);
    cachedHi[e] = dmaRead(g, queue, ADDR_HI);
    cachedData[e] = dmaRead(g, queue, DATA);
    cachedCtrl[e] = dmaRead(g, queue, CTRL);
    pushHead(e);
    return e;
  }

  private int freeEntry() {
    for (int e = 0; e < entryQueue.length; e++) {
      if (entryQueue[e] < 0) {
        return e;
      }
    }
    throw new IllegalStateException("context cache full with " + used + " of " + entryQueue.length + " used");
  }

  /** The eviction write-back of the device-owned words; it cannot know what the CPU stored meanwhile. */
  private void writeBack(long g, int e) {
    int q = entryQueue[e];
    writeBacks++;
    if (mem.peek(address(q, ADDR_LO)) != cachedLo[e] || mem.peek(address(q, ADDR_HI)) != cachedHi[e]
        || mem.peek(address(q, DATA)) != cachedData[e] || mem.peek(address(q, CTRL)) != cachedCtrl[e]) {
      staleWriteBacks++;
      listener.staleWriteBack(q);
    }
    dmaWrite(g, q, PRODUCER, cachedProducer[e]);
    dmaWrite(g, q, ADDR_LO, cachedLo[e]);
    dmaWrite(g, q, ADDR_HI, cachedHi[e]);
    dmaWrite(g, q, DATA, cachedData[e]);
    dmaWrite(g, q, CTRL, cachedCtrl[e]);
  }

  private void unlink(int e) {
    int p = prev[e];
    int n = next[e];
    if (p >= 0) {
      next[p] = n;
    } else {
      head = n;
    }
    if (n >= 0) {
      prev[n] = p;
    } else {
      tail = p;
    }
    prev[e] = -1;
    next[e] = -1;
  }

  private void pushHead(int e) {
    prev[e] = -1;
    next[e] = head;
    if (head >= 0) {
      prev[head] = e;
    }
    head = e;
    if (tail < 0) {
      tail = e;
    }
  }

  /** Drops every cached context without writing it back (a device reset). */
  public void invalidate() {
    generation++;
    java.util.Arrays.fill(entryQueue, -1);
    java.util.Arrays.fill(prev, -1);
    java.util.Arrays.fill(next, -1);
    java.util.Arrays.fill(queueEntry, -1);
    head = -1;
    tail = -1;
    used = 0;
  }

  // ---- observation (no accesses) ----

  /** Completed work the CPU has not consumed: producer minus consumer as memory holds them. */
  public int outstanding(int queue) {
    if (knownBase == 0) {
      return 0;
    }
    long at = knownBase + (long) queue * CTX_SIZE;
    return mem.peek(at + PRODUCER) - mem.peek(at + CONSUMER);
  }

  /** The control word the device acts on: its cached copy, else memory's. */
  public int effectiveCtrl(int queue) {
    int e = queueEntry[queue];
    return e >= 0 ? cachedCtrl[e] : base == 0 ? 0 : mem.peek(address(queue, CTRL));
  }

  /** The message the device would send: {address, data} from the cache, else memory. */
  public long effectiveAddress(int queue) {
    int e = queueEntry[queue];
    if (e >= 0) {
      return (cachedLo[e] & 0xffffffffL) | ((long) cachedHi[e] << 32);
    }
    return (mem.peek(address(queue, ADDR_LO)) & 0xffffffffL) | ((long) mem.peek(address(queue, ADDR_HI)) << 32);
  }

  public int effectiveData(int queue) {
    int e = queueEntry[queue];
    return e >= 0 ? cachedData[e] : mem.peek(address(queue, DATA));
  }

  public int queues() {
    return queues;
  }

  public long hits() {
    return hits;
  }

  public long misses() {
    return misses;
  }

  public long writeBacks() {
    return writeBacks;
  }

  public long staleWriteBacks() {
    return staleWriteBacks;
  }
}
