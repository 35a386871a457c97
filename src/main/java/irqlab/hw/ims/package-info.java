/**
 * Interrupt message stores of IMS devices: a slot array in device memory, and queue contexts in
 * host memory that the device caches and changes through its command queue.
 */
package irqlab.hw.ims;
