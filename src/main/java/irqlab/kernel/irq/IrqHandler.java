package irqlab.kernel.irq;

/** A driver's hard interrupt handler, irq_handler_t. */
@FunctionalInterface
public interface IrqHandler {
  IrqReturn handle(int irq, Object devId);
}
