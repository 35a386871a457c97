package irqlab.kernel.ims;

import irqlab.kernel.msi.MsiMsg;

/**
 * What a queue-memory IMS chip needs from its device's driver: the device commands that change a
 * queue's context, each submitted and waited for (they may sleep, and throw ETIMEDOUT when the
 * device does not answer), and, for the ims-direct-write variant, the CPU's own stores into it.
 */
public interface ImsQueueCommands {
  void setMessage(int queue, MsiMsg msg);

  void mask(int queue);

  void unmask(int queue);

  /** Message, enable and unmask in one command. */
  void startup(int queue, MsiMsg msg);

  /** Disable, mask, clear the message and make the device drop its cached context. */
  void teardown(int queue);

  /** The variant: store message and control straight into the context in host memory. */
  void storeDirect(int queue, MsiMsg msg, boolean enabled, boolean masked);

  /** The worker that applies changes made outside the bus lock (affinity); a kernel task. */
  irqlab.exec.Actor worker();
}
