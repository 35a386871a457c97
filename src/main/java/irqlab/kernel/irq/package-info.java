/**
 * genirq: descriptors, chips, flow handlers (chip.c, handle.c), request/free/disable/enable and
 * affinity (manage.c), deferred moves (migration.c), resend, spurious accounting, affinity spreading.
 */
package irqlab.kernel.irq;
