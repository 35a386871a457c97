package irqlab.hw.pci;

/** 4 KiB of PCI express config space, little-endian, with the standard header fields. */
public final class ConfigSpace {
  public static final int VENDOR_ID = 0x00;
  public static final int COMMAND = 0x04;
  public static final int STATUS = 0x06;
  /** Revision id (byte 8), then the 24-bit class code. */
  public static final int CLASS_REVISION = 0x08;
  public static final int CAPABILITY_LIST = 0x34;
  public static final int INTERRUPT_LINE = 0x3c;
  public static final int INTERRUPT_PIN = 0x3d;
  public static final int STATUS_INTERRUPT = 0x08;
  public static final int STATUS_CAP_LIST = 0x10;
  public static final int COMMAND_INTX_DISABLE = 0x400;

  private final byte[] bytes = new byte[4096];

  public int read8(int off) {
    return bytes[off] & 0xff;
  }

  public int read16(int off) {
    return read8(off) | (read8(off + 1) << 8);
  }

  public int read32(int off) {
    return read16(off) | (read16(off + 2) << 16);
  }

  public void write8(int off, int v) {
    bytes[off] = (byte) v;
  }

  public void write16(int off, int v) {
    write8(off, v);
    write8(off + 1, v >>> 8);
  }

  public void write32(int off, int v) {
    write16(off, v);
    write16(off + 2, v >>> 16);
  }
}
