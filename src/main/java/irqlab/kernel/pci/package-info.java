/**
 * PCI MSI and MSI-X (drivers/pci/msi/): enabling the capability, the per-device PCI-MSIX domain
 * template and chip, table entry masking and message writes, and pci_alloc_irq_vectors.
 */
package irqlab.kernel.pci;
