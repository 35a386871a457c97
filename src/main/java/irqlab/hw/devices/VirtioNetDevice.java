package irqlab.hw.devices;

import irqlab.exec.Exec;
import irqlab.hw.PlatformBus;
import irqlab.hw.pci.Bdf;

/**
 * QEMU's virtio-net-pci (1af4:1000) as its interrupts see it: {@code 2 * pairs} virtqueues
 * (input.i is queue 2i, output.i queue 2i + 1) plus the control queue, an MSI-X table of
 * {@code vectors} entries (QEMU's vectors=; 0: no MSI-X, INTx only), the configuration-change
 * vector register, and the ISR status register read by the INTx handler.
 *
 * <p>A vector register (a queue's, or the configuration one) keeps only a vector the MSI-X table
 * has: anything else reads back as VIRTIO_MSI_NO_VECTOR, which is how the driver learns that the
 * device ran out (hw/virtio/virtio-pci.c). Without MSI-X every queue signals INTx.
 */
public final class VirtioNetDevice extends QueueDevice {
  /** VIRTIO_MSI_NO_VECTOR. */
  public static final int NO_VECTOR = 0xffff;
  /** BAR 2: the configuration vector (msix_config). */
  public static final int REG_CONFIG_VECTOR = 0x08;
  /** BAR 2: the ISR status; reading it acknowledges the INTx condition it reports. */
  public static final int REG_ISR = 0x0c;
  /** ISR bit 0: a virtqueue has work (VIRTIO_PCI_ISR_INTR). */
  public static final int ISR_QUEUE = 1;

  private final int vectors;
  private int configVector = NO_VECTOR;

  public VirtioNetDevice(Exec exec, PlatformBus bus, Bdf bdf, String id, int pairs, int vectors) {
    super(exec, bus, bdf, id, "virtio-net", 0x1af4, 0x1000, 2 * pairs + 1, vectors);
    this.vectors = vectors;
  }

  /** Queue pairs the device offers (max_virtqueue_pairs). */
  public int pairs() {
    return (queues() - 1) / 2;
  }

  /** Without MSI-X every virtqueue interrupt goes through the ISR and INTx, whatever its vector. */
  @Override
  protected boolean signals(int queue) {
    return !msixEnabled() || super.signals(queue);
  }

  /** Without MSI-X every virtqueue interrupt goes through the ISR and INTx. */
  @Override
  protected boolean intxCondition() {
    if (holdsStuckLine()) {
      return true;
    }
    for (int q = 0; q < queues(); q++) {
      if (outstanding(q) > 0) {
        return true;
      }
    }
    return false;
  }

  @Override
  protected int deviceRegisterRead(int bar, int off) {
    if (bar == DEVICE_BAR && off == REG_CONFIG_VECTOR) {
      return configVector;
    }
    if (bar == DEVICE_BAR && off == REG_ISR) {
      return intxCondition() ? ISR_QUEUE : 0;
    }
    return super.deviceRegisterRead(bar, off);
  }

  @Override
  protected void deviceRegisterWrite(int bar, int off, int value) {
    if (bar == DEVICE_BAR && off == REG_CONFIG_VECTOR) {
      configVector = value < vectors ? value : NO_VECTOR;
      return;
    }
    if (bar == DEVICE_BAR && off >= QUEUE_BASE && (off - QUEUE_BASE) % QUEUE_STRIDE == REG_IVAR) {
      int v = value & 0xffff;
      super.deviceRegisterWrite(bar, off, (value & IVAR_VALID) != 0 && v < vectors ? value : NO_VECTOR);
      return;
    }
    super.deviceRegisterWrite(bar, off, value);
  }
}
