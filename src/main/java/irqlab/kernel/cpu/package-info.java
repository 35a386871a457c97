/**
 * CPU sets as the kernel sees them: {@code struct cpumask} and its list format. Shared by the
 * kernel model, the scenario layer and the views.
 */
package irqlab.kernel.cpu;
