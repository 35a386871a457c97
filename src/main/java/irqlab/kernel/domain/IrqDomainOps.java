package irqlab.kernel.domain;

import irqlab.kernel.irq.IrqData;

/** struct irq_domain_ops for hierarchical domains. Errors are thrown as KernelException. */
public interface IrqDomainOps {
  /** Sets up this domain's level of {@code nrIrqs} interrupts from {@code virq}; usually allocates in the parent first. */
  void alloc(IrqDomain domain, int virq, int nrIrqs, Object arg);

  void free(IrqDomain domain, int virq, int nrIrqs);

  /** Programs the hardware of this level; {@code reserve} asks for a placeholder only. */
  default void activate(IrqDomain domain, IrqData data, boolean reserve) {}

  default void deactivate(IrqDomain domain, IrqData data) {}
}
