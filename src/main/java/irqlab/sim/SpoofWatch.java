package irqlab.sim;

import irqlab.hw.iommu.IrFaultReason;
import irqlab.hw.iommu.RemappableFormat;
import irqlab.kernel.irq.IrqDesc;
import java.util.ArrayList;
import java.util.List;

/**
 * Follows a spoofed MSI (timeline action spoof-msi) through the platform bus: a write the device
 * makes that the kernel never set up. Landing on a vector that is not one of the device's own
 * interrupts (another device's, or none) is an injection; the device raising its own interrupt
 * is harmless, since it could do that anyway. Blocked by the remapping unit it is a fault the
 * kernel logs, not a violation.
 */
final class SpoofWatch {
  /** What CPU {@code cpu}'s {@code vector} is bound to at the moment the message arrives. */
  @FunctionalInterface
  interface VectorOwner {
    IrqDesc at(int cpu, int vector);
  }

  /** The write under way: who and what. */
  record Spoof(String device, String bdf, int requesterId, long address, int data, VectorOwner owner) {
    boolean is(int rid, long addr, int d) {
      return rid == requesterId && addr == address && d == data;
    }

    String describe() {
      return device + " (" + bdf + ") wrote " + String.format("0x%08x to 0x%x", data, address);
    }
  }

  private Spoof current;
  private String outcome;
  private final List<String> blocked = new ArrayList<>();

  void begin(Spoof s) {
    current = s;
    outcome = "nothing happened";
  }

  /** Ends the write; returns what became of it. */
  String end() {
    current = null;
    return outcome;
  }

  boolean active() {
    return current != null;
  }

  /** The violation detail when the spoof reached a CPU, else null. */
  String delivered(int rid, long address, int data, int cpu, int vector) {
    if (current == null || !current.is(rid, address, data)) {
      return null;
    }
    String how = RemappableFormat.isRemappable(address)
        ? "remappable format, handle " + RemappableFormat.handle(address) + ", let through by the remapping unit"
        : "compatibility format, not remapped";
    IrqDesc d = current.owner().at(cpu, vector);
    if (d != null && current.bdf().equals(d.devName())) {
      outcome = "delivered: vector " + vector + " on CPU " + cpu + ", the device's own irq " + d.irq() + " (" + how + ")";
      return null;
    }
    String victim = d == null ? "no interrupt"
        : "irq " + d.irq() + (d.devName().isEmpty() ? "" : " of " + d.devName())
            + (d.action() == null ? "" : " (" + d.action().name() + ")");
    outcome = "INJECTED: vector " + vector + " on CPU " + cpu + ", " + victim + " (" + how + ")";
    return current.describe() + ": vector " + vector + " injected on CPU " + cpu + " into " + victim + " (" + how + ")";
  }

  void blocked(int rid, long address, int data, int faultReason, int index) {
    if (current == null || !current.is(rid, address, data)) {
      return;
    }
    outcome = String.format("blocked by interrupt remapping: fault reason 0x%02x (%s), index 0x%x",
        faultReason, IrFaultReason.of(faultReason).name().toLowerCase().replace('_', ' '), index);
    blocked.add(current.describe() + ": " + outcome);
  }

  void dropped(int rid, long address, int data, String why) {
    if (current != null && current.is(rid, address, data)) {
      outcome = "dropped: " + why;
    }
  }

  /** Spoofs the remapping unit blocked, in order. */
  List<String> blockedSpoofs() {
    return List.copyOf(blocked);
  }
}
