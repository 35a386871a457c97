/**
 * Bringing a real machine into irqlab: its /proc/interrupts (and lspci) read back into a scenario
 * of the devices, drivers and chipset they show, every guess said in a comment.
 */
package irqlab.importer;
