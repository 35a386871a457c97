package irqlab.kernel.x86;

import irqlab.kernel.cpu.CpuMask;

/**
 * struct irq_alloc_info: what the allocating domain tells the vector domain. {@code flags}
 * X86_IRQ_ALLOC_LEGACY marks an ISA irq the IO-APIC takes over from the 8259 with its
 * preassigned vector.
 */
public record X86AllocInfo(CpuMask mask, int flags) {
  public static final X86AllocInfo MSI = new X86AllocInfo(null, 0);
  /** X86_IRQ_ALLOC_LEGACY (arch/x86/include/asm/irqdomain.h). */
  public static final int ALLOC_LEGACY = 1 << 1;
  public static final X86AllocInfo LEGACY = new X86AllocInfo(null, ALLOC_LEGACY);
}
