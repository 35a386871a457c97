package irqlab.kernel.msi;

/**
 * msi_domain_ops.msi_prepare, for domain ops that have one: called before {@code nvec} interrupts
 * of {@code dd}'s device are allocated; 0 to go on, or a positive count the PCI caller retries
 * with (vmd_msi_prepare's answer when a child asks for more than the VMD has).
 */
public interface MsiPrepare {
  int prepare(MsiDeviceDomain dd, int nvec);
}
