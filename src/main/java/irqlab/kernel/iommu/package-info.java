/** Intel interrupt remapping in the kernel (drivers/iommu/intel): the INTEL-IR domain, IRTEs, DMAR faults. */
package irqlab.kernel.iommu;
