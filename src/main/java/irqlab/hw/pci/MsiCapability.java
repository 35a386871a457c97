package irqlab.hw.pci;

/**
 * The MSI capability of one function (PCI spec; offsets and bits of include/uapi/linux/pci_regs.h)
 * and the logic that turns the device's request to signal vector i of its block into a memory
 * write. Every value lives in config space: the device reads address, data and mask bits at the
 * moment it signals, so a half-rewritten address/data pair is exactly what it sends.
 */
public final class MsiCapability {
  public static final int CAP_ID = 0x05;
  public static final int FLAGS = 2;
  public static final int FLAGS_ENABLE = 0x0001;
  /** Multiple Message Capable: log2 of the messages the function can send, read-only. */
  public static final int FLAGS_QMASK = 0x000e;
  /** Multiple Message Enable: log2 of the messages software allocated. */
  public static final int FLAGS_QSIZE = 0x0070;
  public static final int FLAGS_64BIT = 0x0080;
  public static final int FLAGS_MASKBIT = 0x0100;
  public static final int ADDRESS_LO = 4;
  public static final int ADDRESS_HI = 8;
  public static final int DATA_32 = 8;
  public static final int MASK_32 = 12;
  public static final int PENDING_32 = 16;
  public static final int DATA_64 = 12;
  public static final int MASK_64 = 16;
  public static final int PENDING_64 = 20;

  /** How a signal ended. */
  public enum Outcome {
    /** The message went out on the bus. */
    SENT,
    /** Masked: the pending bit latched; the message goes out on unmask. */
    HELD,
    /** MSI is off: nothing can be signalled. */
    OFF
  }

  /** Where the function's memory writes go. */
  @FunctionalInterface
  interface Sender {
    /** Sends the message of vector {@code vector} of the block. */
    void send(long address, int data, int vector);
  }

  private final ConfigSpace config;
  private final int base;
  private final MsiShape shape;
  private final Sender sender;

  MsiCapability(ConfigSpace config, int base, int next, MsiShape shape, Sender sender) {
    this.config = config;
    this.base = base;
    this.shape = shape;
    this.sender = sender;
    config.write8(base, CAP_ID);
    config.write8(base + 1, next);
    reset();
  }

  /** Out of reset: disabled, one message enabled, all vectors unmasked (PCI spec), nothing pending. */
  void reset() {
    int ctrl = (Integer.numberOfTrailingZeros(shape.vectors()) << 1)
        | (shape.address64() ? FLAGS_64BIT : 0) | (shape.perVectorMask() ? FLAGS_MASKBIT : 0);
    config.write16(base + FLAGS, ctrl);
    config.write32(base + ADDRESS_LO, 0);
    if (shape.address64()) {
      config.write32(base + ADDRESS_HI, 0);
    }
    config.write16(base + dataOffset(), 0);
    if (shape.perVectorMask()) {
      config.write32(base + maskOffset(), 0);
      config.write32(base + pendingOffset(), 0);
    }
  }

  public int base() {
    return base;
  }

  public MsiShape shape() {
    return shape;
  }

  int dataOffset() {
    return shape.address64() ? DATA_64 : DATA_32;
  }

  int maskOffset() {
    return shape.address64() ? MASK_64 : MASK_32;
  }

  int pendingOffset() {
    return shape.address64() ? PENDING_64 : PENDING_32;
  }

  /** Whether config offset {@code off} lies in this capability. */
  boolean covers(int off) {
    return off >= base && off < base + shape.length();
  }

  /** The register at {@code rel} bytes into the capability, for traces (".addr_lo"). */
  String registerName(int rel) {
    if (rel < FLAGS) {
      return ".header";
    }
    if (rel < ADDRESS_LO) {
      return ".control";
    }
    if (rel == ADDRESS_LO) {
      return ".addr_lo";
    }
    if (shape.address64() && rel == ADDRESS_HI) {
      return ".addr_hi";
    }
    if (rel == dataOffset()) {
      return ".data";
    }
    if (shape.perVectorMask() && rel == maskOffset()) {
      return ".mask";
    }
    if (shape.perVectorMask() && rel == pendingOffset()) {
      return ".pending";
    }
    return String.format("+0x%x", rel);
  }

  /**
   * A software write of {@code len} bytes at {@code off}, already checked to touch this
   * capability. Read-only fields keep their value: the ID and next pointer, the capable bits of
   * message control and the pending bits. Clearing a mask bit whose pending bit is set sends the
   * held message.
   */
  void write(int off, int len, int value) {
    int maskBefore = maskBits();
    for (int i = 0; i < len; i++) {
      int at = off + i;
      int b = (value >>> (8 * i)) & 0xff;
      int rel = at - base;
      if (rel < 2) {
        continue;
      }
      if (rel == FLAGS) {
        b = (config.read8(at) & ~0x71) | (b & 0x71); // enable and Multiple Message Enable
      } else if (rel == FLAGS + 1) {
        continue;
      } else if (shape.perVectorMask() && rel >= pendingOffset()) {
        continue;
      }
      config.write8(at, b);
    }
    releasePending(maskBefore);
  }

  private void releasePending(int maskBefore) {
    if (!shape.perVectorMask() || !enabled()) {
      return;
    }
    int unmasked = maskBefore & ~maskBits();
    int pend = pendingBits();
    for (int v = 0; v < 32; v++) {
      int bit = 1 << v;
      if ((unmasked & bit) != 0 && (pend & bit) != 0) {
        config.write32(base + pendingOffset(), pendingBits() & ~bit);
        send(v);
      }
    }
  }

  public boolean enabled() {
    return (config.read16(base + FLAGS) & FLAGS_ENABLE) != 0;
  }

  /** The block size software enabled: 2^MME, never more than the function can send. */
  public int enabledVectors() {
    int mme = (config.read16(base + FLAGS) & FLAGS_QSIZE) >>> 4;
    return Math.min(1 << Math.min(mme, 5), shape.vectors());
  }

  public long address() {
    long lo = config.read32(base + ADDRESS_LO) & 0xffffffffL;
    return shape.address64() ? lo | ((long) config.read32(base + ADDRESS_HI) << 32) : lo;
  }

  /** The 16-bit message data register. */
  public int data() {
    return config.read16(base + dataOffset());
  }

  public int maskBits() {
    return shape.perVectorMask() ? config.read32(base + maskOffset()) : 0;
  }

  public int pendingBits() {
    return shape.perVectorMask() ? config.read32(base + pendingOffset()) : 0;
  }

  public boolean pending(int vector) {
    return (pendingBits() & (1 << vector)) != 0;
  }

  /**
   * The device signals {@code vector} of its block. A function with fewer messages enabled than
   * it wanted folds its vectors onto the block it got. With per-vector masking a masked vector
   * latches its pending bit; without it nothing can hold the message back.
   */
  public Outcome signal(int vector) {
    if (!enabled()) {
      return Outcome.OFF;
    }
    int v = vector & (enabledVectors() - 1);
    if ((maskBits() & (1 << v)) != 0) {
      config.write32(base + pendingOffset(), pendingBits() | (1 << v));
      return Outcome.HELD;
    }
    send(v);
    return Outcome.SENT;
  }

  /** What {@link #signal} would do with {@code vector} now, changing nothing. */
  public Outcome outcome(int vector) {
    if (!enabled()) {
      return Outcome.OFF;
    }
    return (maskBits() & (1 << (vector & (enabledVectors() - 1)))) != 0 ? Outcome.HELD : Outcome.SENT;
  }

  /** The function puts the vector number in the low log2(n) bits of the data it was given. */
  private void send(int v) {
    int n = enabledVectors();
    sender.send(address(), (data() & ~(n - 1)) | v, v);
  }
}
