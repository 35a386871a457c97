/**
 * What a schedule did, step by step, as data: accesses with values, messages and where they
 * landed, lock operations, interrupt entries and handler runs, violations. Replay and explore record
 * it; {@code irqlab.report} draws it (columns per actor, JSON).
 */
package irqlab.sim.trace;
