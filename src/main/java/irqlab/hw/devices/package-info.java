/**
 * Device models: what each device type does when work completes and which registers its driver
 * programs. A device signals interrupts only through its PCI function's MSI logic.
 */
package irqlab.hw.devices;
