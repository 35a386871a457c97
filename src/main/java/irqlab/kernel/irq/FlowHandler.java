package irqlab.kernel.irq;

/** A flow handler (desc->handle_irq): how an interrupt line is acknowledged and handled. */
public interface FlowHandler {
  /** The C function name, as debugfs prints it ("handle_edge_irq"). */
  String name();

  void handle(IrqDesc desc);

  /** A flow handler named {@code name} that runs {@code body}. */
  static FlowHandler of(String name, java.util.function.Consumer<IrqDesc> body) {
    return new FlowHandler() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public void handle(IrqDesc desc) {
        body.accept(desc);
      }
    };
  }
}
