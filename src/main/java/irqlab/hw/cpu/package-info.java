/**
 * CPUs and their local APICs: the IRR/ISR bit arrays, priority-class delivery and EOI, and the
 * interrupt flag that decides whether a CPU may take an interrupt at all.
 */
package irqlab.hw.cpu;
