package irqlab.exec;

/**
 * How a runtime lets a CPU take interrupts. The kernel's interrupt entry implements it; the
 * runtime decides when: inline in run mode, as the CPU actor's turn in explore mode.
 */
public interface CpuPort {
  /** True when the CPU has interrupts enabled and its APIC has a deliverable vector. */
  boolean canTakeInterrupt(int cpu);

  /**
   * True when the CPU has interrupts enabled: its own timer work (softirq context) may run only
   * then, never inside an irq-off section of a task on that CPU.
   */
  default boolean interruptsEnabled(int cpu) {
    return true;
  }

  /** Takes one interrupt: acknowledge at the APIC, run the vector's handler, return from it. */
  void takeInterrupt(int cpu);
}
