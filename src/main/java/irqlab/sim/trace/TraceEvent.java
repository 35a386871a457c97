package irqlab.sim.trace;

/**
 * One thing that happened in a schedule, in the order it happened. Fields that do not apply to a
 * type are null (or -1 for numbers). Every event belongs to one actor, by id into {@link
 * Trace#actors()}.
 *
 * @param seq position in the trace, from 0
 * @param step the schedule step the event belongs to (the decision index; replay's step numbers)
 * @param timeNs virtual time
 * @param actor the actor's id
 * @param type what kind of event
 * @param what the scheduling point's label ("mmio write", "raw_spin_lock", "device signal") or a
 *     short description
 * @param resource the resource touched ("0000:00:03.0 msix", "irq_desc(25)", "apic1")
 * @param target the register or word within it ("msix[1].data", "q1.completions")
 * @param access read, write or sync
 * @param unit the conflict unit of the access within the resource (-1: none); two accesses of
 *     different actors to the same resource and unit, not both reads, race
 * @param value the value read or written, when the model reports one
 * @param message for MESSAGE: the message and where it landed
 * @param handler for HANDLER: which line's handler ran and what it returned
 * @param detail for VIOLATION: the oracle's text
 * @param cause for VIOLATION: the seq of the event that caused it (the message that reached no
 *     handler), -1 when none is known
 */
public record TraceEvent(long seq, long step, long timeNs, int actor, Type type, String what, String resource,
    String target, String access, long unit, Long value, Message message, Handler handler, String detail,
    long cause) {

  /** Event types. */
  public enum Type {
    /** The actor begins new work: an event from its mailbox (a completion, a timeline action). */
    START,
    /** A step at a scheduling point: a register, memory or lock access, or an explicit point. */
    ACCESS,
    /** A CPU enters its interrupt handling (common_interrupt) / returns from it. */
    IRQ_ENTRY,
    IRQ_EXIT,
    /** A flow handler ran a line's actions. */
    HANDLER,
    /** A device's memory write to the interrupt window: a message. */
    MESSAGE,
    /** The oracle or the kernel reported a violation here. */
    VIOLATION
  }

  /**
   * A message: what the device sent and where it landed. {@code intended} names the interrupt the
   * device signalled (its MSI-X entry or MSI vector; irq {@code intendedIrq}), {@code landed} the
   * line bound to the vector it reached ("" when none; irq {@code landedIrq}, -1 when none);
   * {@code misrouted} when those differ.
   */
  public record Message(String device, long address, int data, String outcome, int cpu, int vector,
      String intended, int intendedIrq, String landed, int landedIrq, boolean misrouted) {}

  /** A handler run: the line, its action and the result (IRQ_HANDLED, IRQ_NONE). */
  public record Handler(int irq, String name, String action, int cpu, String result) {}
}
