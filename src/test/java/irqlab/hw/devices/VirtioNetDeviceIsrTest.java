package irqlab.hw.devices;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.hw.PlatformBus;
import irqlab.hw.cpu.Cpu;
import irqlab.hw.pci.Bdf;
import irqlab.hw.pci.ConfigSpace;
import irqlab.hw.pci.PciFunction;
import irqlab.sim.run.RunRuntime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The virtio-pci ISR status as QEMU implements it (hw/virtio/virtio.c virtio_set_isr,
 * hw/virtio/virtio-pci.c virtio_pci_notify and the ISR read) and Linux's vp_interrupt relies on
 * (drivers/virtio/virtio_pci_common.c): a queue interrupt sets bit 0 and the INTx line follows
 * it; a read returns it and clears it, dropping the line.
 */
class VirtioNetDeviceIsrTest {
  private static final int ISR = VirtioNetDevice.REG_ISR;

  private final RunRuntime exec = new RunRuntime(1);
  private final PlatformBus bus = new PlatformBus(exec, List.of(new Cpu(0, 0)));
  private final VirtioNetDevice dev = new VirtioNetDevice(exec, bus, Bdf.parse("0000:00:01.0"), "net0", 1, 0);
  /** Every level change of the pin, in order. */
  private final List<Boolean> levels = new ArrayList<>();

  VirtioNetDeviceIsrTest() {
    dev.wireIntx((fn, asserted) -> levels.add(asserted));
    // What the driver does at probe: INTx on (pci_intx), the queues running.
    dev.configWrite16(ConfigSpace.COMMAND, dev.configRead16(ConfigSpace.COMMAND) & ~ConfigSpace.COMMAND_INTX_DISABLE);
    dev.mmioWrite32(PciFunction.DEVICE_BAR, QueueDevice.REG_CONTROL, QueueDevice.CONTROL_RUN);
  }

  @AfterEach
  void close() {
    exec.close();
  }

  private int readIsr() {
    return dev.mmioRead32(PciFunction.DEVICE_BAR, ISR);
  }

  @Test
  void aQueueInterruptSetsTheIsrAndAReadReturnsItOnceAndDropsTheLine() {
    assertThat(readIsr()).isZero();
    assertThat(levels).isEmpty();
    dev.complete(0);
    assertThat(dev.peekIsr()).isEqualTo(VirtioNetDevice.ISR_QUEUE);
    assertThat(dev.intxAsserted()).isTrue();
    assertThat(dev.peekConfig16(ConfigSpace.STATUS) & ConfigSpace.STATUS_INTERRUPT).isNotZero();
    assertThat(readIsr()).isEqualTo(VirtioNetDevice.ISR_QUEUE);
    // Read-to-clear: the line drops although the completion is still unconsumed.
    assertThat(dev.intxAsserted()).isFalse();
    assertThat(dev.outstanding(0)).isEqualTo(1);
    assertThat(dev.peekConfig16(ConfigSpace.STATUS) & ConfigSpace.STATUS_INTERRUPT).isZero();
    assertThat(readIsr()).isZero();
    assertThat(levels).containsExactly(true, false);
  }

  @Test
  void interruptsRaisedBeforeTheReadShareOneIsrBit() {
    dev.complete(0);
    dev.complete(1);
    dev.complete(2);
    assertThat(levels).containsExactly(true);
    assertThat(readIsr()).isEqualTo(1);
    assertThat(readIsr()).isZero();
    // Another raise after the read asserts the line again.
    dev.complete(1);
    assertThat(levels).containsExactly(true, false, true);
    assertThat(readIsr()).isEqualTo(1);
  }

  @Test
  void aStuckSourceHoldsTheLineButTheIsrReadsZeroAfterItsFirstRead() {
    dev.signalWithoutWork(0);
    assertThat(dev.holdsStuckLine()).isTrue();
    assertThat(dev.intxAsserted()).isTrue();
    assertThat(readIsr()).isEqualTo(1); // the raise that started it set the bit
    for (int i = 0; i < 3; i++) {
      assertThat(readIsr()).isZero();
      assertThat(dev.intxAsserted()).isTrue();
    }
    dev.releaseStuckLine();
    assertThat(dev.intxAsserted()).isFalse();
    assertThat(levels).containsExactly(true, false);
  }

  @Test
  void aDeviceResetOrStopClearsTheIsr() {
    dev.complete(0);
    dev.mmioWrite32(PciFunction.DEVICE_BAR, QueueDevice.REG_CONTROL, 0);
    assertThat(dev.intxAsserted()).isFalse();
    assertThat(dev.peekIsr()).isZero();
    dev.mmioWrite32(PciFunction.DEVICE_BAR, QueueDevice.REG_CONTROL, QueueDevice.CONTROL_RUN);
    dev.complete(0);
    assertThat(dev.intxAsserted()).isTrue();
    dev.reset();
    assertThat(dev.peekIsr()).isZero();
    assertThat(dev.intxAsserted()).isFalse();
  }

  @Test
  void withMsixOnTheQueuesDoNotTouchTheIsrOrThePin() {
    VirtioNetDevice msix = new VirtioNetDevice(exec, bus, Bdf.parse("0000:00:02.0"), "net1", 1, 3);
    List<Boolean> pin = new ArrayList<>();
    msix.wireIntx((fn, asserted) -> pin.add(asserted));
    msix.configWrite16(PciFunction.MSIX_CAP_OFFSET + irqlab.hw.pci.MsixCapability.FLAGS,
        irqlab.hw.pci.MsixCapability.FLAGS_ENABLE);
    msix.mmioWrite32(PciFunction.DEVICE_BAR, QueueDevice.REG_CONTROL, QueueDevice.CONTROL_RUN);
    msix.mmioWrite32(PciFunction.DEVICE_BAR, QueueDevice.queueRegister(0, QueueDevice.REG_IVAR),
        QueueDevice.IVAR_VALID | 1);
    msix.complete(0);
    assertThat(msix.peekIsr()).isZero();
    assertThat(pin).isEmpty();
    assertThat(msix.messagePending(1)).isTrue(); // masked entry: held in the PBA instead
  }
}
