package irqlab.kernel.msi;

import irqlab.kernel.domain.IrqDomain;
import irqlab.kernel.domain.IrqDomainOps;
import irqlab.kernel.irq.IrqData;

/**
 * The activation half of msi_domain_ops (kernel/irq/msi.c) that every MSI domain shares:
 * msi_domain_activate composes the message through the hierarchy and writes it; and
 * msi_domain_deactivate writes an all-zero message. Allocation is each domain's own.
 */
public abstract class MsiDomainOps implements IrqDomainOps {
  /** msi_domain_activate. */
  @Override
  public void activate(IrqDomain domain, IrqData data, boolean reserve) {
    MsiCore.updateMsg(data);
  }

  /** msi_domain_deactivate. */
  @Override
  public void deactivate(IrqDomain domain, IrqData data) {
    data.chip().writeMsiMsg(data, new MsiMsg(0, 0, 0));
  }
}
