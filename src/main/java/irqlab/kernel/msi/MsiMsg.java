package irqlab.kernel.msi;

/** struct msi_msg: the address and data a device writes to signal an interrupt. */
public record MsiMsg(int addressLo, int addressHi, int data) {
  public long address() {
    return (addressLo & 0xffffffffL) | ((long) addressHi << 32);
  }

  @Override
  public String toString() {
    return String.format("addr=0x%08x%08x data=0x%08x", addressHi, addressLo, data);
  }
}
