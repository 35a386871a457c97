package irqlab.hw.ims;

import java.util.Arrays;

/**
 * IMS as a slot array in device memory (the IDXD layout of drivers/irqchip/irq-pci-intel-idxd.c in
 * the v6.2 series): 16 bytes per slot, address low, address high, data and a control word whose bit
 * 0 masks the slot. A masked slot that is signalled latches its pending bit (bit 1, read-only) and
 * sends when unmasked, as an MSI-X entry and its PBA bit do. Slots come out of reset masked.
 */
public final class ImsSlotArray {
  public static final int SLOT_SIZE = 16;
  public static final int ADDR_LO = 0;
  public static final int ADDR_HI = 4;
  public static final int DATA = 8;
  public static final int CTRL = 12;
  public static final int CTRL_MASKBIT = 1;
  public static final int CTRL_PENDING = 1 << 1;

  /** Where a slot's message goes: the device's bus master. */
  @FunctionalInterface
  public interface MessagePort {
    void send(long address, int data);
  }

  private final int[] words;
  private final MessagePort port;
  private long held;

  public ImsSlotArray(int slots, MessagePort port) {
    this.words = new int[slots * 4];
    this.port = port;
    reset();
  }

  public int slots() {
    return words.length / 4;
  }

  /** An MMIO read of the array at byte offset {@code off}. */
  public int read(int off) {
    int w = off >>> 2;
    return w >= 0 && w < words.length ? words[w] : 0;
  }

  /** An MMIO write; unmasking a pending slot sends its message. */
  public void write(int off, int value) {
    int w = off >>> 2;
    if (w < 0 || w >= words.length) {
      return;
    }
    if ((w & 3) != 3) {
      words[w] = value;
      return;
    }
    int pending = words[w] & CTRL_PENDING;
    words[w] = (value & ~CTRL_PENDING) | pending;
    if (pending != 0 && (value & CTRL_MASKBIT) == 0) {
      words[w] &= ~CTRL_PENDING;
      send(w >>> 2);
    }
  }

  /** The device signals slot {@code slot}: sent now, or held as pending while masked. */
  public void signal(int slot) {
    int c = slot * 4 + 3;
    if ((words[c] & CTRL_MASKBIT) != 0) {
      words[c] |= CTRL_PENDING;
      held++;
      return;
    }
    send(slot);
  }

  private void send(int slot) {
    int b = slot * 4;
    port.send((words[b] & 0xffffffffL) | ((long) words[b + 1] << 32), words[b + 2]);
  }

  public boolean masked(int slot) {
    return (words[slot * 4 + 3] & CTRL_MASKBIT) != 0;
  }

  public boolean pending(int slot) {
    return (words[slot * 4 + 3] & CTRL_PENDING) != 0;
  }

  /** Messages held as pending so far. */
  public long held() {
    return held;
  }

  /** Every slot masked, messages and pending bits gone. */
  public void reset() {
    Arrays.fill(words, 0);
    for (int c = 3; c < words.length; c += 4) {
      words[c] = CTRL_MASKBIT;
    }
  }
}
