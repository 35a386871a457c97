/** Explore mode: one thread per actor, one baton, strategies picking who runs at each point. */
package irqlab.sim.explore;
