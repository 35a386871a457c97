package irqlab.hw.iommu;

import irqlab.hw.MsiMessage;

/**
 * The remappable MSI format of VT-d (arch/x86/include/asm/msi.h, the dmar_* address fields):
 * address bits 31:20 0xFEE, 19:5 handle[14:0], 4 format (1 = remappable), 3 SHV (subhandle
 * valid), 2 handle[15]; with SHV the data's bits 15:0 are a subhandle added to the handle (how
 * multi-message MSI reaches consecutive entries) and bits 31:16 are reserved.
 */
public final class RemappableFormat {
  public static final int FORMAT_REMAPPABLE = 1 << 4;
  public static final int SUBHANDLE_VALID = 1 << 3;
  public static final int HANDLE_15 = 1 << 2;
  public static final int DATA_RESERVED = 0xffff0000;

  private RemappableFormat() {}

  public static boolean isRemappable(long address) {
    return (address & FORMAT_REMAPPABLE) != 0;
  }

  public static int handle(long address) {
    return (int) (((address >>> 5) & 0x7fff) | ((address & HANDLE_15) != 0 ? 0x8000 : 0));
  }

  public static boolean subhandleValid(long address) {
    return (address & SUBHANDLE_VALID) != 0;
  }

  public static int subhandle(int data) {
    return data & 0xffff;
  }

  /** The address of a remappable message for {@code handle} (fill_msi_msg sets SHV always). */
  public static int addressLo(int handle, boolean subhandleValid) {
    return (int) (MsiMessage.ADDRESS_BASE
        | ((long) (handle & 0x7fff) << 5)
        | ((handle & 0x8000) != 0 ? HANDLE_15 : 0)
        | FORMAT_REMAPPABLE
        | (subhandleValid ? SUBHANDLE_VALID : 0));
  }
}
