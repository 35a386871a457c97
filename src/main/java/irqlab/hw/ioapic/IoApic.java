package irqlab.hw.ioapic;

import irqlab.exec.Exec;
import irqlab.hw.PlatformBus;

/**
 * An I/O APIC as QEMU models it (hw/intc/ioapic.c, version 0x20, 24 inputs): a redirection
 * entry per input (vector, delivery and destination mode, polarity, trigger, mask, and the
 * read-only delivery status and remote IRR) reached through IOREGSEL/IOWIN, and the EOI register.
 * An input's level sets its IRR bit; an unmasked entry with IRR sends its message, an edge entry
 * then forgets it, a level entry sets remote IRR and sends nothing more until an EOI for its
 * vector (broadcast by a local APIC, or written to the EOI register) clears it: a line still
 * asserted is sent again at once. A masked edge stays in IRR until unmasked.
 */
public final class IoApic {
  public static final long BASE = 0xfec00000L;
  public static final int PINS = 24;
  /** The MMIO registers. */
  public static final int IOREGSEL = 0x00;
  public static final int IOWIN = 0x10;
  public static final int EOI = 0x40;
  /** Indirect registers. */
  public static final int REG_ID = 0x00;
  public static final int REG_VER = 0x01;
  public static final int REG_REDTBL = 0x10;
  /** Redirection entry bits. */
  public static final long RTE_VECTOR = 0xff;
  public static final long RTE_DELIVERY_STATUS = 1L << 12;
  public static final long RTE_POLARITY_LOW = 1L << 13;
  public static final long RTE_REMOTE_IRR = 1L << 14;
  public static final long RTE_LEVEL = 1L << 15;
  public static final long RTE_MASKED = 1L << 16;
  /** Remappable format (interrupt remapping): bit 48, handle bits 63:49 and 11. */
  public static final long RTE_REMAPPABLE = 1L << 48;
  private static final long RTE_READ_ONLY = RTE_DELIVERY_STATUS | RTE_REMOTE_IRR;

  private final Exec exec;
  private final PlatformBus bus;
  private final int id;
  private final int sourceId;
  private final long[] rte = new long[PINS];
  /** Per input: how many sources drive it (wired-OR). */
  private final int[] drivers = new int[PINS];
  private int irr;
  private int ioregsel;
  private long messages;

  /** An IO-APIC with APIC id {@code id} whose requests carry {@code sourceId} (QEMU's q35: ff:00.0). */
  public IoApic(Exec exec, PlatformBus bus, int id, int sourceId) {
    this.exec = exec;
    this.bus = bus;
    this.id = id;
    this.sourceId = sourceId;
    for (int i = 0; i < PINS; i++) {
      rte[i] = RTE_MASKED;
    }
  }

  public int sourceId() {
    return sourceId;
  }

  // ---- inputs ----

  /** A source on input {@code pin} raises or lowers its line (several may drive one input). */
  public void setLevel(int pin, boolean asserted) {
    boolean before = drivers[pin] > 0;
    drivers[pin] += asserted ? 1 : -1;
    if (drivers[pin] < 0) {
      drivers[pin] = 0;
    }
    boolean after = drivers[pin] > 0;
    long e = rte[pin];
    int bit = 1 << pin;
    if ((e & RTE_LEVEL) != 0) {
      if (after) {
        irr |= bit;
        service();
      } else {
        irr &= ~bit;
      }
    } else if (after && !before) {
      irr |= bit;
      service();
    }
  }

  /** An edge source's pulse: the input goes up and down again. */
  public void pulse(int pin) {
    setLevel(pin, true);
    setLevel(pin, false);
  }

  /** Whether input {@code pin} is asserted now. */
  public boolean asserted(int pin) {
    return drivers[pin] > 0;
  }

  // ---- delivery ----

  private void service() {
    for (int pin = 0; pin < PINS; pin++) {
      int bit = 1 << pin;
      long e = rte[pin];
      if ((irr & bit) == 0 || (e & RTE_MASKED) != 0) {
        continue;
      }
      if ((e & RTE_LEVEL) != 0) {
        if ((e & RTE_REMOTE_IRR) != 0) {
          continue;
        }
        rte[pin] = e | RTE_REMOTE_IRR;
      } else {
        irr &= ~bit;
      }
      messages++;
      bus.ioApicMessage(sourceId, rte[pin]);
    }
  }

  /** An EOI for {@code vector}: level entries using it drop remote IRR and resend while asserted. */
  public void eoi(int vector) {
    boolean again = false;
    for (int pin = 0; pin < PINS; pin++) {
      long e = rte[pin];
      if ((e & RTE_LEVEL) != 0 && (e & RTE_VECTOR) == vector && (e & RTE_REMOTE_IRR) != 0) {
        rte[pin] = e & ~RTE_REMOTE_IRR;
        again |= (irr & (1 << pin)) != 0;
      }
    }
    if (again) {
      service();
    }
  }

  // ---- registers: every access a scheduling point ----

  public int mmioRead32(int off) {
    exec.point("ioapic read");
    if (off == IOREGSEL) {
      return ioregsel;
    }
    if (off != IOWIN) {
      return 0;
    }
    int r = ioregsel;
    if (r == REG_ID) {
      return id << 24;
    }
    if (r == REG_VER) {
      return ((PINS - 1) << 16) | 0x20;
    }
    if (r >= REG_REDTBL && r < REG_REDTBL + 2 * PINS) {
      long e = rte[(r - REG_REDTBL) / 2];
      return (r & 1) == 0 ? (int) e : (int) (e >>> 32);
    }
    return 0;
  }

  public void mmioWrite32(int off, int value) {
    exec.point("ioapic write");
    if (off == IOREGSEL) {
      ioregsel = value & 0xff;
      return;
    }
    if (off == EOI) {
      eoi(value & 0xff);
      return;
    }
    if (off != IOWIN) {
      return;
    }
    int r = ioregsel;
    if (r < REG_REDTBL || r >= REG_REDTBL + 2 * PINS) {
      return;
    }
    int pin = (r - REG_REDTBL) / 2;
    long e = rte[pin];
    long keep = e & RTE_READ_ONLY;
    long next = (r & 1) == 0
        ? (e & 0xffffffff00000000L) | (value & 0xffffffffL)
        : (e & 0xffffffffL) | ((long) value << 32);
    rte[pin] = (next & ~RTE_READ_ONLY) | keep;
    if ((rte[pin] & RTE_LEVEL) == 0) {
      rte[pin] &= ~RTE_REMOTE_IRR;
    }
    if ((rte[pin] & RTE_LEVEL) != 0 && drivers[pin] > 0) {
      irr |= 1 << pin;
    }
    service();
  }

  /** The entry of {@code pin} as the hardware holds it (for views). */
  public long peekEntry(int pin) {
    return rte[pin];
  }

  public long messages() {
    return messages;
  }
}
