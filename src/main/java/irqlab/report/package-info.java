/** Views of a machine and a run: Linux's /proc/interrupts and irq debugfs layouts, and run reports. */
package irqlab.report;
