/**
 * Device drivers: what a real driver does with the kernel's interrupt API at probe, in its
 * handlers and at remove. They reach their devices only through register accessors.
 */
package irqlab.kernel.drivers;
