/**
 * PCI functions as the bus sees them: config space with a capability list, the MSI-X capability,
 * and BAR memory holding the MSI-X table and pending bit array.
 */
package irqlab.hw.pci;
