package irqlab.hw;

import irqlab.exec.Exec;
import irqlab.hw.cpu.Cpu;
import java.util.ArrayList;
import java.util.List;

/**
 * The path from a device's memory write to a local APIC. A write into the 0xFEExxxxx window is
 * an interrupt message; without a remapping unit it is decoded in compatibility format and
 * latched into the destination APIC's IRR.
 */
public final class PlatformBus {
  private final Exec exec;
  private final Cpu[] byApicId = new Cpu[256];
  private final List<MessageObserver> observers = new ArrayList<>();
  private MessageObserver[] observerArray = new MessageObserver[0];
  private long messages;

  public PlatformBus(Exec exec, List<Cpu> cpus) {
    this.exec = exec;
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
    messages++;
    if (!MsiMessage.isInterruptAddress(address)) {
      for (MessageObserver o : observerArray) {
        o.dropped(requesterId, address, data, "not an interrupt address");
      }
      return;
    }
    int dest = MsiMessage.destination(address);
    Cpu cpu = byApicId[dest];
    if (cpu == null || !cpu.online()) {
      for (MessageObserver o : observerArray) {
        o.dropped(requesterId, address, data, cpu == null ? "no APIC " + dest : "APIC " + dest + " offline");
      }
      return;
    }
    int vector = MsiMessage.vector(data);
    cpu.apic().accept(vector);
    for (MessageObserver o : observerArray) {
      o.delivered(requesterId, address, data, cpu.index(), vector);
    }
    exec.interruptRaised(cpu.index());
  }

  public long messages() {
    return messages;
  }
}
