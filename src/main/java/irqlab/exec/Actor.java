package irqlab.exec;

/**
 * Something that executes: a CPU taking interrupts, a kernel task, a device, or the clock. In
 * explore mode each actor owns a thread and runs only while it holds the baton; in run mode
 * actors are just labels for the code the single thread is executing.
 */
public final class Actor {
  /** What kind of execution an actor models. */
  public enum Kind {
    CPU,
    TASK,
    DEVICE,
    CLOCK
  }

  private final int id;
  private final String name;
  private final Kind kind;
  private final int cpu;
  /** Nesting of raw spinlocks and irq-off sections the actor is inside (preempt_count-like). */
  private int atomicDepth;
  /** Non-zero while the actor runs a hard interrupt handler. */
  private int hardirqDepth;

  public Actor(int id, String name, Kind kind, int cpu) {
    this.id = id;
    this.name = name;
    this.kind = kind;
    this.cpu = cpu;
  }

  public int id() {
    return id;
  }

  public String name() {
    return name;
  }

  public Kind kind() {
    return kind;
  }

  /** The CPU this actor executes on, or -1 for devices and the clock. */
  public int cpu() {
    return cpu;
  }

  public int atomicDepth() {
    return atomicDepth;
  }

  public void enterAtomic() {
    atomicDepth++;
  }

  public void exitAtomic() {
    if (atomicDepth == 0) {
      throw new IllegalStateException(name + ": unbalanced atomic section exit");
    }
    atomicDepth--;
  }

  public boolean inHardirq() {
    return hardirqDepth > 0;
  }

  public void enterHardirq() {
    hardirqDepth++;
  }

  public void exitHardirq() {
    hardirqDepth--;
  }

  @Override
  public String toString() {
    return name;
  }
}
