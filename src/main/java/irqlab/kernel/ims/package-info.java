/**
 * IMS interrupt chips as device drivers provide them for pci_create_ims_domain: a slot array in
 * device memory, written directly, and queue memory, changed through the device's command queue
 * from the slow-bus bracket (bus lock, bus sync unlock) and from a work item.
 */
package irqlab.kernel.ims;
