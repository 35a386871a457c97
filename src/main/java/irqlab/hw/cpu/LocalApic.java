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
  private final long[] irr = new long[4];
  private final long[] isr = new long[4];
  private final long[] tmr = new long[4];
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

  /** Where EOIs of level-triggered vectors are broadcast. */
  public void setEoiBroadcast(java.util.function.IntConsumer broadcast) {
    this.eoiBroadcast = broadcast;
  }

  /** Latches a message's vector with its trigger mode (TMR); false when it merged. */
  public boolean accept(int vector, boolean level) {
    long bit = 1L << vector;
    if (level) {
      tmr[vector >>> 6] |= bit;
    } else {
      tmr[vector >>> 6] &= ~bit;
    }
    return accept(vector);
  }

  /** The TMR bit of {@code vector}: its last message was level-triggered. */
  public boolean levelTriggered(int vector) {
    return (tmr[vector >>> 6] & (1L << vector)) != 0;
  }

  /** Latches a message's vector; returns false when it merged into an already pending bit. */
  public boolean accept(int vector) {
    int w = vector >>> 6;
    long bit = 1L << vector;
    accepted++;
    if ((irr[w] & bit) != 0) {
      merged++;
      return false;
    }
    irr[w] |= bit;
    if (vector > highIrr) {
      highIrr = vector;
    }
    return true;
  }

  public boolean irrPending(int vector) {
    return (irr[vector >>> 6] & (1L << vector)) != 0;
  }

  public boolean inService(int vector) {
    return (isr[vector >>> 6] & (1L << vector)) != 0;
  }

  private static int highest(long[] bits) {
    for (int w = 3; w >= 0; w--) {
      if (bits[w] != 0) {
        return (w << 6) + 63 - Long.numberOfLeadingZeros(bits[w]);
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
    irr[v >>> 6] &= ~(1L << v);
    isr[v >>> 6] |= 1L << v;
    highIrr = highest(irr);
    if (v > highIsr) {
      highIsr = v;
    }
    return v;
  }

  /** End of interrupt: retires the highest in-service vector. */
  public void eoi() {
    int v = highIsr;
    if (v >= 0) {
      isr[v >>> 6] &= ~(1L << v);
      highIsr = highest(isr);
      if ((tmr[v >>> 6] & (1L << v)) != 0 && eoiBroadcast != null) {
        eoiBroadcast.accept(v);
      }
    }
  }

  /** Drops a pending vector, as a CPU going offline with its APIC disabled does. */
  public void clearPending(int vector) {
    irr[vector >>> 6] &= ~(1L << vector);
    if (vector == highIrr) {
      highIrr = highest(irr);
    }
  }

  /** INIT: the APIC returns to its power-up state, nothing pending and nothing in service. */
  public void init() {
    java.util.Arrays.fill(irr, 0);
    java.util.Arrays.fill(isr, 0);
    java.util.Arrays.fill(tmr, 0);
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
