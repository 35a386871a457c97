/**
 * Hierarchical irq domains (kernel/irq/irqdomain.c): domains with parents, allocation of an
 * interrupt's levels from the outermost domain down, and activation from the bottom up.
 */
package irqlab.kernel.domain;
