/**
 * x86 vector domain, vector matrix, MSI message composition: where an interrupt gets its CPU and
 * IDT vector (arch/x86/kernel/apic, kernel/irq/matrix.c).
 */
package irqlab.kernel.x86;
