package irqlab.kernel.msi;

import irqlab.kernel.domain.IrqDomain;
import irqlab.kernel.irq.IrqChip;

/** One of a device's MSI domains (dev->msi.data->__domains[id]): the domain, its chip and its store. */
public final class MsiDeviceDomain {
  private final int id;
  private final IrqDomain domain;
  private final IrqChip chip;
  private final MsiDomainTemplate template;
  private final MsiDescStore store;
  private final MsiDevice device;

  MsiDeviceDomain(int id, IrqDomain domain, IrqChip chip, MsiDomainTemplate template, MsiDescStore store, MsiDevice device) {
    this.id = id;
    this.domain = domain;
    this.chip = chip;
    this.template = template;
    this.store = store;
    this.device = device;
  }

  public int id() {
    return id;
  }

  public IrqDomain domain() {
    return domain;
  }

  public IrqChip chip() {
    return chip;
  }

  public MsiDomainTemplate template() {
    return template;
  }

  public MsiDescStore store() {
    return store;
  }

  public MsiDevice device() {
    return device;
  }

  public boolean hasFlag(int f) {
    return (template.flags() & f) != 0;
  }
}
