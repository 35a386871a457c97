/**
 * The {@code irqlab} command line (picocli): run, show, explore, replay, scenarios and bench.
 * Exit status 0 success, 1 a violated invariant or expectation, 2 bad input.
 */
package irqlab.cli;
