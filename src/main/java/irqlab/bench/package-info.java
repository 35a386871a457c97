/**
 * Speed and size measurements of the model, outside its deterministic output: delivered
 * interrupts per second end to end in run mode, compared with a bare event loop doing the same
 * number of queue operations in the same JVM, and heap bytes per allocated and requested
 * interrupt. Wall-clock time is read here and only here; nothing measured feeds back into a run.
 */
package irqlab.bench;
