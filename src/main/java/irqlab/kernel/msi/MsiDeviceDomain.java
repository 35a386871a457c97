package irqlab.kernel.msi;

import irqlab.kernel.domain.IrqDomain;
import irqlab.kernel.irq.IrqChip;

/**
 * One of a device's MSI domains (dev->msi.data->__domains[id]): the domain, its chip and its
 * store. The domain is the device's own (a per-device domain) or a global one many devices share
 * (msi_setup_device_data copies a non-parent dev->msi.domain into the default slot: a VMD's).
 */
public final class MsiDeviceDomain implements MsiChipData {
  private final int id;
  private final IrqDomain domain;
  private final IrqChip chip;
  private final MsiDomainTemplate template;
  private final MsiDescStore store;
  private final MsiDevice device;
  private final boolean global;

  MsiDeviceDomain(int id, IrqDomain domain, IrqChip chip, MsiDomainTemplate template, MsiDescStore store, MsiDevice device,
      boolean global) {
    this.global = global;
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

  /** Whether the domain is a global one shared with other devices (not the device's own). */
  public boolean global() {
    return global;
  }

  @Override
  public MsiDeviceDomain msiDeviceDomain() {
    return this;
  }

  public boolean hasFlag(int f) {
    return (template.flags() & f) != 0;
  }
}
