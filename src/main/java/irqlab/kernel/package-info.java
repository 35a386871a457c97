/**
 * The modelled Linux kernel: genirq, irq domains, the MSI core, PCI MSI/MSI-X, the x86 vector
 * domain and the drivers. It reaches hardware only through the accessors of {@code irqlab.hw}.
 */
package irqlab.kernel;
