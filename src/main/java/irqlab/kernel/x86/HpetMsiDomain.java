package irqlab.kernel.x86;

import irqlab.kernel.Errno;
import irqlab.kernel.Kernel;
import irqlab.kernel.KernelException;
import irqlab.kernel.domain.BusToken;
import irqlab.kernel.domain.IrqDomain;
import irqlab.kernel.domain.IrqDomainOps;

/**
 * The HPET's MSI domain, {@code HPET-MSI-0} (arch/x86/kernel/hpet.c hpet_create_irq_domain), a
 * child of VECTOR, as the chipsets' HPET makes the kernel create it at boot. The kernel of the
 * reference guests ticks with the local APIC timers and never takes an HPET channel for
 * interrupts, so the domain stays empty (mapped 0), in irqlab too: it refuses allocations.
 */
public final class HpetMsiDomain implements IrqDomainOps {
  private final IrqDomain domain;

  public HpetMsiDomain(Kernel k, int hpetId) {
    this.domain = k.domains().create("HPET-MSI-" + hpetId, k.vectorDomain().domain(), this,
        IrqDomain.FLAG_NAME_ALLOCATED | IrqDomain.FLAG_MSI, BusToken.ANY, null);
  }

  public IrqDomain domain() {
    return domain;
  }

  @Override
  public void alloc(IrqDomain d, int virq, int nrIrqs, Object arg) {
    throw new KernelException(Errno.ENODEV, "no HPET channel is used for interrupts");
  }

  @Override
  public void free(IrqDomain d, int virq, int nrIrqs) {}
}
