package irqlab.hw.iommu;

/**
 * One 128-bit interrupt remapping table entry in remapped (not posted) format, as the VT-d
 * specification lays it out and drivers/iommu/intel/iommu.h (struct irte) mirrors it.
 *
 * <pre>
 * low:  0 P | 1 FPD | 2 DM | 3 RH | 4 TM | 7:5 DLM | 11:8 AVAIL | 14:12 rsvd | 15 IM
 *       23:16 V | 31:24 rsvd | 63:32 DST (xAPIC: APIC id in 47:40, 39:32 and 63:48 rsvd)
 * high: 15:0 SID | 17:16 SQ | 19:18 SVT | 63:20 rsvd
 * </pre>
 */
public record Irte(
    boolean present,
    boolean fpd,
    boolean destModeLogical,
    boolean redirHint,
    boolean levelTriggered,
    int deliveryMode,
    int avail,
    boolean posted,
    int vector,
    int destId,
    int sid,
    int sq,
    int svt) {

  /** Source validation types (the SVT field). */
  public static final int SVT_NO_VERIFY = 0;
  public static final int SVT_VERIFY_SID_SQ = 1;
  public static final int SVT_VERIFY_BUS = 2;

  /** Source-id qualifiers: which requester-id bits SVT 1 compares. */
  public static final int SQ_ALL_16 = 0;
  public static final int SQ_13_IGNORE_1 = 1;
  public static final int SQ_13_IGNORE_2 = 2;
  public static final int SQ_13_IGNORE_3 = 3;

  /** Delivery modes the unit passes to the APIC as interrupts. */
  public static final int DLM_FIXED = 0;
  public static final int DLM_LOWEST_PRIORITY = 1;

  /** The requester-id bits compared under each SQ: SQ 1..3 ignore function bit 2, bits 2:1, bits 2:0. */
  private static final int[] SQ_MASKS = {0xffff, 0xfffb, 0xfff9, 0xfff8};

  private static final long LOW_RESERVED = 0x7000L | 0xff00_0000L;
  private static final long LOW_RESERVED_XAPIC_DEST = 0xffff_00ff_0000_0000L;
  private static final long HIGH_RESERVED = ~0xfffffL;

  /** An all-zero entry: not present. */
  public static final Irte EMPTY = decode(0, 0);

  /**
   * What Linux writes for a remapped interrupt (prepare_irte): present, physical destination,
   * redirection hint, edge, fixed, the vector and the xAPIC destination, with source validation.
   */
  public static Irte remapped(int vector, int apicId, int svt, int sq, int sid) {
    return remapped(vector, xapicDest(apicId), false, svt, sq, sid);
  }

  /**
   * The same with the DST field {@code destField} as written (IRTE_DEST: an xAPIC id in bits
   * 15:8, or a 32-bit x2APIC id) and the destination mode of the APIC driver.
   */
  public static Irte remapped(int vector, int destField, boolean logical, int svt, int sq, int sid) {
    return new Irte(true, false, logical, true, false, DLM_FIXED, 0, false, vector & 0xff,
        destField, sid & 0xffff, sq & 3, svt & 3);
  }

  /** The DST field for an xAPIC destination (IRTE_DEST: the APIC id shifted into bits 15:8). */
  public static int xapicDest(int apicId) {
    return (apicId & 0xff) << 8;
  }

  public static Irte decode(long low, long high) {
    return new Irte(
        (low & 1) != 0,
        (low & 2) != 0,
        (low & 4) != 0,
        (low & 8) != 0,
        (low & 0x10) != 0,
        (int) ((low >>> 5) & 7),
        (int) ((low >>> 8) & 0xf),
        (low & 0x8000) != 0,
        (int) ((low >>> 16) & 0xff),
        (int) (low >>> 32),
        (int) (high & 0xffff),
        (int) ((high >>> 16) & 3),
        (int) ((high >>> 18) & 3));
  }

  public long low() {
    return (present ? 1L : 0)
        | (fpd ? 2L : 0)
        | (destModeLogical ? 4L : 0)
        | (redirHint ? 8L : 0)
        | (levelTriggered ? 0x10L : 0)
        | ((long) (deliveryMode & 7) << 5)
        | ((long) (avail & 0xf) << 8)
        | (posted ? 0x8000L : 0)
        | ((long) (vector & 0xff) << 16)
        | ((long) destId << 32);
  }

  public long high() {
    return (sid & 0xffffL) | ((long) (sq & 3) << 16) | ((long) (svt & 3) << 18);
  }

  /** The xAPIC destination APIC id the entry names. */
  public int xapicDestination() {
    return (destId >>> 8) & 0xff;
  }

  /**
   * The APIC id the entry delivers to: the xAPIC destination, or in extended interrupt mode the
   * 32-bit destination, a logical x2APIC id (cluster in 31:16, one bit per APIC in 15:0; the
   * lowest set bit when several are) when DM is set. -1 for an empty logical set.
   */
  public int apicId(boolean x2apicMode) {
    if (!x2apicMode) {
      return xapicDestination();
    }
    if (!destModeLogical) {
      return destId;
    }
    int bits = destId & 0xffff;
    return bits == 0 ? -1 : ((destId >>> 16) << 4) | Integer.numberOfTrailingZeros(bits);
  }

  public Irte withVectorAndDest(int newVector, int newDestId) {
    return new Irte(present, fpd, destModeLogical, redirHint, levelTriggered, deliveryMode, avail, posted,
        newVector & 0xff, newDestId, sid, sq, svt);
  }

  /**
   * Reserved bits of a present entry as the unit checks them: the reserved fields, the xAPIC part
   * of DST when the table is not in x2APIC mode, SVT 3, and the posted format (IM), which this
   * unit does not implement.
   */
  public static boolean reservedBitsSet(long low, long high, boolean x2apic) {
    if ((low & LOW_RESERVED) != 0 || (high & HIGH_RESERVED) != 0) {
      return true;
    }
    if (!x2apic && (low & LOW_RESERVED_XAPIC_DEST) != 0) {
      return true;
    }
    if (((high >>> 18) & 3) == 3) {
      return true;
    }
    return (low & 0x8000) != 0;
  }

  /**
   * Source-id verification of a request from {@code requesterId}: SVT 1 compares the bits SQ
   * selects, SVT 2 wants the bus number between StartBus (SID 15:8) and EndBus (SID 7:0).
   */
  public boolean verifies(int requesterId) {
    return verifies(high(), requesterId);
  }

  /** The same, read from the entry's high quadword (the unit's path: no entry object per request). */
  public static boolean verifies(long high, int requesterId) {
    int sid = (int) (high & 0xffff);
    int sq = (int) ((high >>> 16) & 3);
    switch ((int) ((high >>> 18) & 3)) {
      case SVT_NO_VERIFY:
        return true;
      case SVT_VERIFY_SID_SQ: {
        int mask = SQ_MASKS[sq];
        return (sid & mask) == (requesterId & mask);
      }
      case SVT_VERIFY_BUS: {
        int bus = (requesterId >>> 8) & 0xff;
        return bus >= ((sid >>> 8) & 0xff) && bus <= (sid & 0xff);
      }
      default:
        return false;
    }
  }
}
