/**
 * Run mode: one thread, events in (time, sequence) order, interrupts delivered inline with no
 * thread switch. Built for throughput.
 */
package irqlab.sim.run;
