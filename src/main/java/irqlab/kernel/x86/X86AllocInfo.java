package irqlab.kernel.x86;

import irqlab.kernel.cpu.CpuMask;

/** struct irq_alloc_info: what the allocating domain tells the vector domain. */
public record X86AllocInfo(CpuMask mask, int flags) {
  public static final X86AllocInfo MSI = new X86AllocInfo(null, 0);
}
