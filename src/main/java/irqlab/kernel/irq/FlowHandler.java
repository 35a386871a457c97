package irqlab.kernel.irq;

/** A flow handler (desc->handle_irq): how an interrupt line is acknowledged and handled. */
public interface FlowHandler {
  /** The C function name, as debugfs prints it ("handle_edge_irq"). */
  String name();

  void handle(IrqDesc desc);
}
