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
 *
 * <p>The ISR status (hw/virtio/virtio.c virtio_set_isr, virtio-pci.c virtio_pci_notify): raising
 * a queue interrupt sets bit 0, and the INTx line follows that bit; reading the ISR returns it and
 * clears it, which drops the line. Outstanding work does not hold the line: the driver's
 * vp_interrupt reads the ISR first and then drains every queue. A stuck source (a storm) holds
 * the line up regardless, so after the first read the handler finds 0 and disowns it.
 */
public final class VirtioNetDevice extends QueueDevice {
  /** VIRTIO_MSI_NO_VECTOR. */
  public static final int NO_VECTOR = 0xffff;
  /** BAR 2: the configuration vector (msix_config). */
  public static final int REG_CONFIG_VECTOR = 0x08;
  /** BAR 2: the ISR status; reading it returns and clears it (and so deasserts INTx). */
  public static final int REG_ISR = 0x0c;
  /** ISR bit 0: the device raised a queue interrupt (VIRTIO_PCI_ISR_INTR). */
  public static final int ISR_QUEUE = 1;

  private final int vectors;
  private int configVector = NO_VECTOR;
  /** The ISR status register. */
  private int isr;

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

  /** Without MSI-X a queue interrupt sets the ISR's queue bit before it drives INTx. */
  @Override
  public boolean signal(int n) {
    if (!msixEnabled()) {
      isr |= ISR_QUEUE;
    }
    return super.signal(n);
  }

  /** The line follows the ISR's queue bit (or a stuck source), not the queues' outstanding work. */
  @Override
  protected boolean intxCondition() {
    return holdsStuckLine() || (isr & ISR_QUEUE) != 0;
  }

  /** The ISR as the device holds it now, without the read that clears it. */
  public int peekIsr() {
    return isr;
  }

  @Override
  protected int deviceRegisterRead(int bar, int off) {
    if (bar == DEVICE_BAR && off == REG_CONFIG_VECTOR) {
      return configVector;
    }
    if (bar == DEVICE_BAR && off == REG_ISR) {
      int v = isr;
      isr = 0;
      updateIntx();
      return v;
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
    if (bar == DEVICE_BAR && off == REG_CONTROL && (value & CONTROL_RUN) == 0) {
      isr = 0; // virtio_reset clears the ISR
    }
    super.deviceRegisterWrite(bar, off, value);
  }

  @Override
  public void reset() {
    isr = 0;
    super.reset();
  }
}
