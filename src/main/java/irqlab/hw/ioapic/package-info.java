/**
 * The I/O APIC and the legacy interrupt lines it collects: ISA sources and PCI INTx pins wired to
 * its inputs, redirection entries that turn a line into an interrupt message.
 */
package irqlab.hw.ioapic;
