/**
 * The floor everything stands on: scheduling points, actors, virtual time, events and the
 * modelled locks. Hardware and kernel code call it; the runtimes in {@code irqlab.sim} implement it.
 */
package irqlab.exec;
