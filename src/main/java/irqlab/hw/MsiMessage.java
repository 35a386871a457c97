package irqlab.hw;

/**
 * The x86 compatibility-format MSI message fields (arch/x86/include/asm/msi.h): address
 * 0xFEE00000 with the destination APIC id in bits 19:12, data with the vector in bits 7:0 and
 * fixed delivery, edge trigger.
 */
public final class MsiMessage {
  public static final long ADDRESS_BASE = 0xFEE00000L;
  /**
   * The APIC's 1 MiB window lies below 4 GiB: a write with any upper address bit set is a memory
   * write, not an interrupt (arch/x86/kernel/apic/apic.c, __irq_msi_compose_msg: only the
   * remapping unit's own message may carry destination bits in the upper address).
   */
  public static final long ADDRESS_MASK = 0xFFFFFFFF_FFF00000L;

  private MsiMessage() {}

  /** Whether a device's 64-bit write address is an interrupt message (0xFEExxxxx, upper half 0). */
  public static boolean isInterruptAddress(long address) {
    return (address & ADDRESS_MASK) == ADDRESS_BASE;
  }

  public static int addressLo(int apicId) {
    return (int) (ADDRESS_BASE | ((long) (apicId & 0xff) << 12));
  }

  public static int destination(long address) {
    return (int) ((address >>> 12) & 0xff);
  }

  public static int data(int vector) {
    return vector & 0xff;
  }

  public static int vector(int data) {
    return data & 0xff;
  }
}
