/** An Intel VT-d interrupt remapping unit: the remapping table in host memory, source-id checks, fault records. */
package irqlab.hw.iommu;
