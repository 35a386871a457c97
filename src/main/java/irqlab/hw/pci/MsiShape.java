package irqlab.hw.pci;

/**
 * What a function's MSI capability looks like, fixed in silicon: how many messages it can send
 * (Multiple Message Capable, a power of two up to 32), whether it has per-vector mask and pending
 * bits, and whether its address register is 64 bits wide.
 */
public record MsiShape(int vectors, boolean perVectorMask, boolean address64) {
  public MsiShape {
    if (vectors < 1 || vectors > 32 || Integer.bitCount(vectors) != 1) {
      throw new IllegalArgumentException("MSI vectors must be a power of two from 1 to 32, got " + vectors);
    }
  }

  /** A legacy MSI function: one message, no masking, 64-bit address (the q35 AHCI's shape). */
  public static MsiShape legacy() {
    return new MsiShape(1, false, true);
  }

  /** The capability's length in config space (PCI spec: 10, 14, 20 or 24 bytes). */
  public int length() {
    return 10 + (address64 ? 4 : 0) + (perVectorMask ? 10 : 0);
  }
}
