/**
 * Device types of the scenario file: each brings its hardware model and its Linux-like driver,
 * and says what the machine may do with it (traffic, timeline actions, checks at quiescence).
 */
package irqlab.sim.devices;
