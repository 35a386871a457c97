package irqlab.kernel.msi;

import irqlab.kernel.domain.IrqDomain;
import irqlab.kernel.irq.IrqChip;

/**
 * A global MSI domain (msi_create_irq_domain without an MSI parent): one domain and one chip for
 * every device whose bus points at it, as a VMD's VMD-MSI domain is for the devices behind it.
 * {@code info} carries its msi_domain_info: the bus token and MSI_FLAG_* it supports.
 */
public record MsiGlobalDomain(IrqDomain domain, IrqChip chip, MsiDomainTemplate info) {
  public boolean hasFlag(int f) {
    return (info.flags() & f) != 0;
  }
}
