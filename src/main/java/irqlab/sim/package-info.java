/**
 * The simulation: runtimes that execute the model (run mode, explore mode), scenario-driven
 * machines and workloads, the oracle that judges a run, and its results.
 */
package irqlab.sim;
