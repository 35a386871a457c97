/**
 * CPU sets as the kernel sees them ({@code struct cpumask} and its list format, shared by the
 * kernel model, the scenario layer and the views), and the hotplug states drivers register with.
 */
package irqlab.kernel.cpu;
