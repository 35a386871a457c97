package irqlab.hw.pci;

/**
 * Register layout of the MSI-X capability and table entries (PCI spec; include/uapi/linux/pci_regs.h).
 * The capability's message control holds the table size minus one, function mask and enable; each
 * 16-byte table entry holds address low, address high, data and vector control.
 */
public final class MsixCapability {
  public static final int CAP_ID = 0x11;
  public static final int FLAGS = 2;
  public static final int TABLE = 4;
  public static final int PBA = 8;
  public static final int FLAGS_QSIZE = 0x07ff;
  public static final int FLAGS_MASKALL = 0x4000;
  public static final int FLAGS_ENABLE = 0x8000;
  public static final int ENTRY_SIZE = 16;
  public static final int ENTRY_LOWER_ADDR = 0;
  public static final int ENTRY_UPPER_ADDR = 4;
  public static final int ENTRY_DATA = 8;
  public static final int ENTRY_VECTOR_CTRL = 12;
  public static final int ENTRY_CTRL_MASKBIT = 1;
  public static final int BIR_MASK = 0x7;

  private MsixCapability() {}
}
