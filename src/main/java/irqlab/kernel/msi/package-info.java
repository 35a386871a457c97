/**
 * The MSI core (kernel/irq/msi.c): per-device MSI domains addressed by domain id, the
 * index-keyed descriptor store, range allocation and free, and message composition and writing.
 */
package irqlab.kernel.msi;
