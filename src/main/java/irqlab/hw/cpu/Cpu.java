package irqlab.hw.cpu;

/**
 * A logical CPU: its local APIC and its interrupt flag (EFLAGS.IF). The kernel model toggles
 * the flag through its accessors; the runtime asks it before letting the CPU take an interrupt.
 */
public final class Cpu {
  private final int index;
  private final LocalApic apic;
  private boolean interruptsEnabled = true;
  private boolean online = true;

  public Cpu(int index, int apicId) {
    this.index = index;
    this.apic = new LocalApic(apicId);
  }

  public int index() {
    return index;
  }

  public LocalApic apic() {
    return apic;
  }

  public boolean interruptsEnabled() {
    return interruptsEnabled;
  }

  /** Sets IF; returns the previous value so callers can restore it (local_irq_save/restore). */
  public boolean setInterruptsEnabled(boolean on) {
    boolean was = interruptsEnabled;
    interruptsEnabled = on;
    return was;
  }

  /** Whether the CPU executes at all; an offline CPU takes no interrupts. */
  public boolean online() {
    return online;
  }

  public void setOnline(boolean online) {
    this.online = online;
  }

  /** A CPU can take an interrupt when it runs, IF is set and its APIC has one to give. */
  public boolean canTakeInterrupt() {
    return online && interruptsEnabled && apic.hasDeliverable();
  }
}
