package irqlab.hw.iommu;

/** The interrupt remapping fault reasons of VT-d, as the fault recording registers carry them. */
public enum IrFaultReason {
  /** Reserved fields set in the request (a remappable message's data bits 31:16 with SHV). */
  REQUEST_RESERVED(0x20),
  /** The handle (plus subhandle) indexes beyond the table size IRTA gives. */
  INDEX_BEYOND_TABLE(0x21),
  /** The entry's present bit is clear. */
  ENTRY_NOT_PRESENT(0x22),
  /** The table at IRTA could not be read. */
  TABLE_ACCESS(0x23),
  /** A present entry has reserved fields set. */
  ENTRY_RESERVED(0x24),
  /** A compatibility-format request while remapping is on and compatibility format is blocked. */
  COMPATIBILITY_BLOCKED(0x25),
  /** The request's requester id fails the entry's source-id verification. */
  SOURCE_ID_MISMATCH(0x26);

  private final int code;

  IrFaultReason(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  public static IrFaultReason of(int code) {
    for (IrFaultReason r : values()) {
      if (r.code == code) {
        return r;
      }
    }
    throw new IllegalArgumentException("not an interrupt remapping fault reason: 0x" + Integer.toHexString(code));
  }
}
