/**
 * Simulated x86 PCI hardware: CPUs with local APICs, the platform bus that carries MSI writes,
 * PCI functions with config space and MSI-X tables in BARs, and devices. Knows nothing of the kernel.
 */
package irqlab.hw;
