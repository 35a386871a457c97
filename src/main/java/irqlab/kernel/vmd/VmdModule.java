package irqlab.kernel.vmd;

import irqlab.exec.RawSpinLock;
import irqlab.kernel.Ida;
import irqlab.kernel.Kernel;

/**
 * What vmd.c keeps once for all VMDs of a machine: list_lock (DEFINE_RAW_SPINLOCK), which guards
 * every vector's list and count, and the PCI domain numbers the VMDs took.
 */
public final class VmdModule {
  private final RawSpinLock listLock;
  private final Ida domains = new Ida();

  public VmdModule(Kernel k) {
    this.listLock = new RawSpinLock(k.exec(), "list_lock");
  }

  RawSpinLock listLock() {
    return listLock;
  }

  /**
   * vmd_find_free_domain: one above the highest PCI domain there is, from 0x10000. VMDs probe in
   * bus order and are never unbound in this build, so the lowest free number above 0xffff is it.
   */
  int allocDomain() {
    return irqlab.hw.pci.Bdf.FIRST_VMD_DOMAIN + domains.alloc();
  }

  void freeDomain(int domain) {
    domains.free(domain - irqlab.hw.pci.Bdf.FIRST_VMD_DOMAIN);
  }
}
