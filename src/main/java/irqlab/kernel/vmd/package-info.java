/**
 * The Intel VMD driver (drivers/pci/controller/vmd.c): a PCI domain of its own whose devices'
 * interrupts it multiplexes onto its MSI-X vectors, with their lists, SRCU and teardown.
 */
package irqlab.kernel.vmd;
