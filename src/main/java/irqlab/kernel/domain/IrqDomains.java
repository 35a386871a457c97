package irqlab.kernel.domain;

import irqlab.kernel.Errno;
import irqlab.kernel.KernelException;
import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.irq.IrqData;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.irq.IrqDescTable;
import irqlab.kernel.irq.IrqdState;
import java.util.ArrayList;
import java.util.List;

/**
 * The domain registry and the hierarchy operations of kernel/irq/irqdomain.c: allocation builds
 * every level of an interrupt from the outermost domain down and lets each domain's alloc set up
 * its level (calling its parent first); activation runs parents first; deactivation children first.
 */
public final class IrqDomains {
  private final IrqDescTable descs;
  private final List<IrqDomain> domains = new ArrayList<>();

  public IrqDomains(IrqDescTable descs) {
    this.descs = descs;
  }

  public IrqDomain create(String name, IrqDomain parent, IrqDomainOps ops, int flags, BusToken token, Object hostData) {
    IrqDomain d = new IrqDomain(name, parent, ops, flags | IrqDomain.FLAG_HIERARCHY, token, hostData);
    domains.add(d);
    return d;
  }

  /** irq_domain_remove; refuses while interrupts still have a level in the domain. */
  public void remove(IrqDomain d) {
    if (d.mapped() != 0) {
      throw new KernelException(Errno.EBUSY, "domain " + d.name() + " still maps " + d.mapped() + " interrupts");
    }
    d.markRemoved();
    domains.remove(d);
  }

  /** Live domains in creation order. */
  public List<IrqDomain> all() {
    return List.copyOf(domains);
  }

  /**
   * irq_domain_alloc_irqs: allocates {@code nr} descriptors and every level of the hierarchy under
   * {@code domain}; {@code affinity} gives each interrupt's mask and whether it is managed (null
   * entries or a null list: the default affinity). A failure frees everything allocated.
   */
  public int allocIrqs(IrqDomain domain, int nr, Object arg, List<Affinity> affinity, CpuMask defaultAffinity) {
    return allocIrqs(domain, -1, nr, arg, affinity, defaultAffinity);
  }

  /**
   * The same at a fixed number {@code irq} (nr 1), or the lowest free run when {@code irq} is -1:
   * legacy ISA irqs and IO-APIC GSIs keep their numbers.
   */
  public int allocIrqs(IrqDomain domain, int irq, int nr, Object arg, List<Affinity> affinity,
      CpuMask defaultAffinity) {
    IrqData.Factory factory = desc -> {
      IrqData top = new IrqData(desc, domain);
      IrqData child = top;
      for (IrqDomain p = domain.parent(); p != null; p = p.parent()) {
        IrqData level = new IrqData(desc, p);
        child.setParent(level);
        child = level;
      }
      return top;
    };
    int virq = irq >= 0 ? descs.allocateExact(irq, factory, defaultAffinity)
        : descs.allocate(0, nr, factory, defaultAffinity);
    for (int i = 0; i < nr; i++) {
      IrqDesc desc = descs.get(virq + i);
      Affinity a = affinity == null || i >= affinity.size() ? null : affinity.get(i);
      // alloc_descs: the node of the mask's first CPU (one node here), else the device's node,
      // NUMA_NO_NODE on q35 (the reference AHCI's "node: -1").
      desc.setNode(a != null ? 0 : -1);
      if (a != null) {
        desc.setAffinity(a.mask());
        desc.data().set(IrqdState.AFFINITY_SET);
        if (a.managed()) {
          desc.data().set(IrqdState.AFFINITY_MANAGED);
        }
      }
    }
    try {
      domain.ops().alloc(domain, virq, nr, arg);
    } catch (RuntimeException e) {
      descs.free(virq, nr);
      throw e;
    }
    for (IrqDomain d = domain; d != null; d = d.parent()) {
      d.addMapped(nr);
    }
    return virq;
  }

  /** irq_domain_alloc_irqs_parent: a domain's alloc asks its parent to set up the level below. */
  public static void allocParent(IrqDomain domain, int virq, int nr, Object arg) {
    IrqDomain p = domain.parent();
    if (p == null) {
      throw new KernelException(Errno.ENOSYS, domain.name() + " has no parent");
    }
    p.ops().alloc(p, virq, nr, arg);
  }

  public static void freeParent(IrqDomain domain, int virq, int nr) {
    IrqDomain p = domain.parent();
    if (p != null) {
      p.ops().free(p, virq, nr);
    }
  }

  /** irq_domain_free_irqs: frees every level, then the descriptors. */
  public void freeIrqs(int virq, int nr) {
    IrqDesc first = descs.get(virq);
    if (first == null) {
      throw new KernelException(Errno.EINVAL, "irq_domain_free_irqs: irq " + virq + " not allocated");
    }
    IrqDomain domain = first.data().domain();
    domain.ops().free(domain, virq, nr);
    for (IrqDomain d = domain; d != null; d = d.parent()) {
      d.addMapped(-nr);
    }
    descs.free(virq, nr);
  }

  /** irq_domain_activate_irq: parents first; a failing level rolls back the ones below. */
  public static void activate(IrqData data, boolean reserve) {
    if (data.is(IrqdState.ACTIVATED)) {
      return;
    }
    activateLevel(data, reserve);
    data.set(IrqdState.ACTIVATED);
  }

  private static void activateLevel(IrqData d, boolean reserve) {
    if (d.parent() != null) {
      activateLevel(d.parent(), reserve);
    }
    try {
      d.domain().ops().activate(d.domain(), d, reserve);
    } catch (RuntimeException e) {
      if (d.parent() != null) {
        deactivateLevel(d.parent());
      }
      throw e;
    }
  }

  /** irq_domain_deactivate_irq: children first. */
  public static void deactivate(IrqData data) {
    if (!data.is(IrqdState.ACTIVATED)) {
      return;
    }
    deactivateLevel(data);
    data.clear(IrqdState.ACTIVATED);
  }

  private static void deactivateLevel(IrqData d) {
    d.domain().ops().deactivate(d.domain(), d);
    if (d.parent() != null) {
      deactivateLevel(d.parent());
    }
  }

  /** struct irq_affinity_desc for one interrupt. */
  public record Affinity(CpuMask mask, boolean managed) {}
}
