package irqlab.hw;

import irqlab.exec.Exec;
import irqlab.hw.cpu.Cpu;
import java.util.ArrayList;
import java.util.List;

/**
 * The path from a device's memory write to a local APIC. A write into the 0xFEExxxxx window is
 * an interrupt message; without a remapping unit it is decoded in compatibility format and
 * latched into the destination APIC's IRR. With one, the unit translates or blocks it first.
 */
public final class PlatformBus {
  private final Exec exec;
  /** CPUs by APIC id: 256 xAPIC ids, or up to the highest x2APIC id. */
  private final Cpu[] byApicId;
  private final List<MessageObserver> observers = new ArrayList<>();
  private MessageObserver[] observerArray = new MessageObserver[0];
  private long messages;
  private InterruptRemapper remapper;

  public PlatformBus(Exec exec, List<Cpu> cpus) {
    this.exec = exec;
    int top = 255;
    for (Cpu c : cpus) {
      top = Math.max(top, c.apic().apicId());
    }
    this.byApicId = new Cpu[top + 1];
    for (Cpu c : cpus) {
      byApicId[c.apic().apicId()] = c;
    }
  }

  public void addObserver(MessageObserver o) {
    observers.add(o);
    observerArray = observers.toArray(new MessageObserver[0]);
  }

  /** A posted memory write of 32-bit {@code data} to {@code address} by {@code requesterId}. */
  public void memoryWrite(int requesterId, long address, int data) {
    memoryWrite(requesterId, address, data, -1);
  }

  /**
   * As {@link #memoryWrite(int, long, int)}, by a function signalling its interrupt {@code
   * source} (MSI-X entry or MSI vector; -1 when it is not one), so observers can tell a message
   * that reached another interrupt's vector.
   */
  public void memoryWrite(int requesterId, long address, int data, int source) {
    forward(requesterId, requesterId, address, data, source);
  }

  /**
   * A write that {@code requesterId} passes upstream on behalf of function {@code origin}, which
   * signalled its interrupt {@code source}: a VMD in bypass mode sends its children's messages
   * with its own requester id (what remapping checks), while the oracle still knows whose
   * interrupt it was.
   */
  public void forward(int requesterId, int origin, long address, int data, int source) {
    messages++;
    if (!MsiMessage.isInterruptAddress(address)) {
      for (MessageObserver o : observerArray) {
        o.dropped(requesterId, address, data, "not an interrupt address");
      }
      return;
    }
    InterruptRemapper r = remapper;
    if (r != null) {
      remapped(r, requesterId, origin, address, data, source);
      return;
    }
    deliver(requesterId, origin, address, data, MsiMessage.destination(address), MsiMessage.vector(data), source,
        false);
  }

  /** Kept out of memoryWrite so that the path without a remapping unit stays small. */
  private void remapped(InterruptRemapper r, int requesterId, int origin, long address, int data, int source) {
    long t = r.remap(requesterId, address, data);
    if (t != InterruptRemapper.BLOCKED) {
      deliver(requesterId, origin, address, data, apicIdOf(t), (int) t & 0xff, source, false);
    }
  }

  /**
   * The APIC a remapped interrupt goes to. A logical x2APIC destination is a cluster (bits 31:16)
   * and a bit per APIC in it (15:0); with the redirection hint Linux sets, one APIC of the set
   * takes it, and Linux names one: the lowest set bit is that one. -1: none.
   */
  private static int apicIdOf(long target) {
    int dest = (int) (target >>> 8);
    if ((target & InterruptRemapper.LOGICAL) == 0) {
      return dest;
    }
    int bits = dest & 0xffff;
    return bits == 0 ? -1 : ((dest >>> 16) << 4) | Integer.numberOfTrailingZeros(bits);
  }

  /**
   * A message that does not pass through the remapping unit: the unit's own fault event, which
   * VT-d sends in compatibility format straight to the APIC.
   */
  public void deliverUntranslated(int requesterId, long address, int data) {
    messages++;
    // The unit's fault event register pair may hold destination bits 31:8 in its upper address
    // (FEUADDR, x2APIC mode; dmar's case in __irq_msi_compose_msg): only the low half decodes.
    if (!MsiMessage.isInterruptAddress(address & 0xffffffffL)) {
      for (MessageObserver o : observerArray) {
        o.dropped(requesterId, address, data, "not an interrupt address");
      }
      return;
    }
    int dest = MsiMessage.destination(address) | (int) (address >>> 32) << 8;
    deliver(requesterId, requesterId, address, data, dest, MsiMessage.vector(data), -1, false);
  }

  /** The remapping unit reports a request it blocked (after recording the fault). */
  public void reportBlocked(int requesterId, long address, int data, int faultReason, int index) {
    for (MessageObserver o : observerArray) {
      o.blocked(requesterId, address, data, faultReason, index);
    }
  }

  /** The remapping unit drops a request without a fault (a delivery mode the model lacks). */
  public void reportDropped(int requesterId, long address, int data, String why) {
    for (MessageObserver o : observerArray) {
      o.dropped(requesterId, address, data, why);
    }
  }

  /** Puts an interrupt remapping unit on the path (null: none, the compatibility decode). */
  public void setRemapper(InterruptRemapper r) {
    this.remapper = r;
  }

  public InterruptRemapper remapper() {
    return remapper;
  }

  /**
   * An IO-APIC's interrupt message for a redirection entry: in remappable format (bit 48) an
   * interrupt request with the entry's handle that the remapping unit translates (edge at the
   * APIC: Linux programs IO-APIC IRTEs edge and EOIs the pin itself); otherwise fixed delivery to
   * the entry's destination APIC with its vector and trigger mode.
   */
  public void ioApicMessage(int sourceId, long rte) {
    messages++;
    if ((rte & (1L << 48)) != 0) {
      int index = (int) (((rte >>> 49) & 0x7fff) | (((rte >>> 11) & 1) << 15));
      long address = MsiMessage.ADDRESS_BASE | ((long) (index & 0x7fff) << 5) | (1L << 4) | (((long) index >>> 15) << 2);
      InterruptRemapper r = remapper;
      if (r == null) {
        for (MessageObserver o : observerArray) {
          o.dropped(sourceId, address, 0, "remappable IO-APIC entry without a remapping unit");
        }
        return;
      }
      long t = r.remap(sourceId, address, 0);
      if (t != InterruptRemapper.BLOCKED) {
        deliver(sourceId, sourceId, address, 0, apicIdOf(t), (int) t & 0xff, -1, false);
      }
      return;
    }
    int dest = (int) ((rte >>> 56) & 0xff);
    int vector = (int) (rte & 0xff);
    deliver(sourceId, sourceId, MsiMessage.ADDRESS_BASE | ((long) dest << 12), vector, dest, vector, -1,
        (rte & (1L << 15)) != 0);
  }

  /** Broadcasts every CPU's EOIs of level-triggered vectors to {@code sink} (the IO-APIC). */
  public void setEoiBroadcast(java.util.function.IntConsumer sink) {
    for (Cpu c : byApicId) {
      if (c != null) {
        c.apic().setEoiBroadcast(sink);
      }
    }
  }

  private void deliver(int requesterId, int origin, long address, int data, int dest, int vector, int source,
      boolean level) {
    Cpu cpu = dest >= 0 && dest < byApicId.length ? byApicId[dest] : null;
    if (cpu == null || !cpu.online()) {
      for (MessageObserver o : observerArray) {
        o.dropped(requesterId, address, data, cpu == null ? "no APIC " + dest : "APIC " + dest + " offline");
      }
      return;
    }
    cpu.apic().accept(vector, level);
    for (MessageObserver o : observerArray) {
      o.delivered(requesterId, address, data, cpu.index(), vector, origin, source);
    }
    exec.interruptRaised(cpu.index());
  }

  public long messages() {
    return messages;
  }
}
