package irqlab.hw.cpu;

import irqlab.exec.Resource;

/**
 * The interrupt-accepting half of an x86 local APIC. A fixed-mode message sets the vector's IRR
 * bit (a second message for a vector already in IRR merges into it, as on real hardware); the
 * CPU takes the highest IRR vector whose priority class is above that of the highest in-service
 * vector; EOI retires the highest in-service vector. A level-triggered message (from an IO-APIC
 * in compatibility format) also sets the vector's TMR bit, and the EOI of such a vector is
 * broadcast to the IO-APICs, which clear the remote IRR of the pins using it.
 */
public final class LocalApic {
  public static final int NR_VECTORS = 256;
  /** IRR, ISR and TMR, four words each, in one array: one object to load per message, not three. */
  private final long[] regs = new long[12];
  private static final int IRR = 0;
  private static final int ISR = 4;
  private static final int TMR = 8;
  /** Where the EOI of a level-triggered vector goes (the IO-APICs); null: nowhere. */
  private java.util.function.IntConsumer eoiBroadcast;
  /**
   * The highest set IRR and ISR vectors (-1: none), kept current by every change so that the
   * deliverability check the runtime makes several times per interrupt does not scan the arrays.
   */
  private int highIrr = -1;
  private int highIsr = -1;
  private final int apicId;
  /** The APIC as something steps touch: messages and IPIs set IRR, the CPU acks and EOIs. */
  private final Resource resource;
  private long accepted;
  private long merged;

  public LocalApic(int apicId) {
    this.apicId = apicId;
    this.resource = new Resource("apic" + apicId);
  }

  public Resource resource() {
    return resource;
  }

  public int apicId() {
    return apicId;
  }

  /**
   * The logical x2APIC id (the read-only LDR in x2APIC mode, Intel SDM 10.12.10.2): the cluster
   * (APIC id bits 19:4) in bits 31:16 and one bit for the APIC's place in it (bits 3:0).
   */
  public int x2apicLogicalId() {
    return ((apicId >>> 4) << 16) | (1 << (apicId & 15));
  }

  /** Where EOIs of level-triggered vectors are broadcast. */
  public void setEoiBroadcast(java.util.function.IntConsumer broadcast) {
    this.eoiBroadcast = broadcast;
  }

  /** Latches a message's vector with its trigger mode (TMR); false when it merged. */
  public boolean accept(int vector, boolean level) {
    long bit = 1L << vector;
    if (level) {
      regs[TMR + (vector >>> 6)] |= bit;
    } else {
      regs[TMR + (vector >>> 6)] &= ~bit;
    }
    return accept(vector);
  }

  /** The TMR bit of {@code vector}: its last message was level-triggered. */
  public boolean levelTriggered(int vector) {
    return (regs[TMR + (vector >>> 6)] & (1L << vector)) != 0;
  }

  /** Latches a message's vector; returns false when it merged into an already pending bit. */
  public boolean accept(int vector) {
    int w = vector >>> 6;
    long bit = 1L << vector;
    accepted++;
    if ((regs[IRR + w] & bit) != 0) {
      merged++;
      return false;
    }
    regs[IRR + w] |= bit;
    if (vector > highIrr) {
      highIrr = vector;
    }
    return true;
  }

  public boolean irrPending(int vector) {
    return (regs[IRR + (vector >>> 6)] & (1L << vector)) != 0;
  }

  public boolean inService(int vector) {
    return (regs[ISR + (vector >>> 6)] & (1L << vector)) != 0;
  }

  private static int highest(long[] bits, int base) {
    for (int w = 3; w >= 0; w--) {
      long b = bits[base + w];
      if (b != 0) {
        return (w << 6) + 63 - Long.numberOfLeadingZeros(b);
      }
    }
    return -1;
  }

  public int highestPending() {
    return highIrr;
  }

  public int highestInService() {
    return highIsr;
  }

  /** True when the highest pending vector outranks the in-service class (the PPR check). */
  public boolean hasDeliverable() {
    int p = highIrr;
    if (p < 0) {
      return false;
    }
    int s = highIsr;
    return s < 0 || (p >>> 4) > (s >>> 4);
  }

  /** The CPU's interrupt acknowledge cycle: moves the highest deliverable vector to ISR. */
  public int acknowledge() {
    if (!hasDeliverable()) {
      return -1;
    }
    int v = highIrr;
    regs[IRR + (v >>> 6)] &= ~(1L << v);
    regs[ISR + (v >>> 6)] |= 1L << v;
    highIrr = highest(regs, IRR);
    if (v > highIsr) {
      highIsr = v;
    }
    return v;
  }

  /** End of interrupt: retires the highest in-service vector. */
  public void eoi() {
    int v = highIsr;
    if (v >= 0) {
      regs[ISR + (v >>> 6)] &= ~(1L << v);
      highIsr = highest(regs, ISR);
      if ((regs[TMR + (v >>> 6)] & (1L << v)) != 0 && eoiBroadcast != null) {
        eoiBroadcast.accept(v);
      }
    }
  }

  /** Drops a pending vector, as a CPU going offline with its APIC disabled does. */
  public void clearPending(int vector) {
    regs[IRR + (vector >>> 6)] &= ~(1L << vector);
    if (vector == highIrr) {
      highIrr = highest(regs, IRR);
    }
  }

  /** INIT: the APIC returns to its power-up state, nothing pending and nothing in service. */
  public void init() {
    java.util.Arrays.fill(regs, 0);
    highIrr = -1;
    highIsr = -1;
  }

  public long acceptedMessages() {
    return accepted;
  }

  public long mergedMessages() {
    return merged;
  }
}
