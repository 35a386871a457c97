package irqlab.kernel.ims;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.exec.Event;
import irqlab.hw.devices.AcceleratorDevice;
import irqlab.kernel.KernelLog;
import irqlab.kernel.KernelObserver;
import irqlab.kernel.drivers.AcceleratorDriver;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The queue-memory store's command queue: waits, timeouts, the reset, and where one may wait. */
class ImsCommandTest {
  private static final int QUEUES = 16;
  private ImsRig rig;

  @AfterEach
  void close() {
    if (rig != null) {
      rig.close();
    }
  }

  private ImsRig rig() {
    rig = new ImsRig(4, QUEUES, AcceleratorDevice.Store.HOST_MEMORY, 4, ImsRig.Platform.REMAPPING);
    return rig;
  }

  private int irq(int q) {
    return rig.driver.imsIrq(rig.driver.imsIndex(q));
  }

  private List<String> log() {
    return rig.k.log().lines().stream().map(KernelLog.Line::text).toList();
  }

  @Test
  void startupTeardownMaskAndUnmaskAreCommandsTheDeviceCarriesOut() {
    ImsRig r = rig();
    r.onTask(0, r.driver::probe);
    r.onTask(100_000, () -> r.k.manage().disableIrq(irq(3)));
    r.run();
    assertThat(r.dev.contexts().effectiveCtrl(3)).isEqualTo(3); // enabled and masked
    assertThat(r.dev.contexts().effectiveCtrl(4)).isEqualTo(2); // enabled
    r.onTask(200_000, () -> r.driver.freeQueueIrq(4));
    r.run();
    assertThat(r.dev.contexts().effectiveCtrl(4)).isEqualTo(1); // torn down
    assertThat(r.dev.contexts().effectiveAddress(4)).isZero();
  }

  @Test
  void spinningForTheCommandWorksToo() {
    ImsRig r = rig();
    r.driver.setWait(AcceleratorDriver.Wait.SPIN);
    r.onTask(0, r.driver::probe);
    r.traffic(10_000, 1_000_000, 50_000, QUEUES);
    r.onTask(300_000, () -> r.k.manage().disableIrq(irq(1)));
    r.onTask(600_000, () -> r.k.manage().enableIrq(irq(1)));
    r.run();
    assertThat(r.outstanding()).isZero();
    assertThat(r.completed()).isPositive();
  }

  @Test
  void aDeviceThatStopsAnsweringIsResetAndItsUndeliveredWorkReported() {
    ImsRig r = rig();
    r.onTask(0, r.driver::probe);
    r.traffic(10_000, 3_000_000, 50_000, QUEUES);
    r.rt.schedule(Event.of(r.devActor, () -> r.dev.setHung(true)), 1_000_000);
    r.onTask(1_200_000, () -> r.k.manage().disableIrq(irq(0)));
    r.onTask(3_500_000, () -> r.k.manage().enableIrq(irq(0)));
    r.run();
    assertThat(r.driver.resets()).isEqualTo(1);
    assertThat(r.driver.writtenOff()).isPositive();
    assertThat(log()).anyMatch(t -> t.contains("device stopped answering commands, resetting it"));
    assertThat(log()).anyMatch(t -> t.matches("acc0: queue 0: \\d+ completion\\(s\\) not delivered, written off by the reset"));
    assertThat(r.driver.queueChip().commandsFailed()).isEqualTo(1);
    // After the reset every queue was started again: later work was all delivered.
    assertThat(r.outstanding()).isZero();
    assertThat(r.dev.contexts().effectiveCtrl(0)).isEqualTo(2);
  }

  @Test
  void aDeviceThatNeverRecoversIsGivenUpAfterTheResetBound() {
    ImsRig r = rig();
    // The device hangs, and hangs again right after every reset: recovery never makes progress.
    r.k.addObserver(new KernelObserver() {
      @Override
      public void printk(irqlab.kernel.KernelLog.Line line) {
        if (line.text().endsWith("resetting it")) {
          r.rt.schedule(Event.of(r.devActor, () -> r.dev.setHung(true)), r.k.exec().now());
        }
      }
    });
    r.onTask(0, r.driver::probe);
    r.traffic(10_000, 3_000_000, 50_000, QUEUES);
    r.rt.schedule(Event.of(r.devActor, () -> r.dev.setHung(true)), 1_000_000);
    for (long t = 1_200_000; t < 9_000_000; t += 1_000_000) {
      r.onTask(t, () -> r.k.manage().disableIrq(irq(0)));
      r.onTask(t + 500_000, () -> r.k.manage().enableIrq(irq(0)));
    }
    r.run();
    assertThat(r.driver.dead()).isTrue();
    assertThat(r.driver.resets()).isEqualTo(irqlab.kernel.drivers.AcceleratorDriver.MAX_RESETS_WITHOUT_PROGRESS);
    assertThat(log()).anyMatch(t -> t.contains("device still not answering after 3 resets, giving it up"));
    assertThat(r.outstanding()).isZero();
  }

  @Test
  void disablingAQueueMemoryInterruptFromAHardInterruptIsSleepingInAtomicContext() {
    ImsRig r = rig();
    List<String> reports = new ArrayList<>();
    r.k.addObserver(new KernelObserver() {
      @Override
      public void sleepingInAtomic(String what, String actor) {
        reports.add(what);
      }
    });
    r.onTask(0, r.driver::probe);
    r.onTask(100_000, () -> {
      // As a handler calling disable_irq_nosync on its own line would.
      r.k.current().enterHardirq();
      try {
        r.k.manage().disableIrqNosync(irq(4));
      } finally {
        r.k.current().exitHardirq();
      }
    });
    r.run();
    assertThat(reports).anyMatch(w -> w.contains("chip_bus_lock(IR-PCI-IDXD-QMEM-0000:00:04.0)"));
  }

  @Test
  void waitingForACommandWithInterruptsOffIsSleepingInAtomicContext() {
    ImsRig r = rig();
    List<String> reports = new ArrayList<>();
    r.k.addObserver(new KernelObserver() {
      @Override
      public void sleepingInAtomic(String what, String actor) {
        reports.add(what);
      }
    });
    r.onTask(0, r.driver::probe);
    r.onTask(100_000, () -> {
      boolean flags = r.k.localIrqSave();
      try {
        r.k.manage().disableIrqNosync(irq(2));
      } finally {
        r.k.localIrqRestore(flags);
      }
    });
    r.run();
    assertThat(reports).anyMatch(w -> w.contains("wait_event(acc0-cmd)"));
    assertThat(log()).anyMatch(t -> t.startsWith("BUG: sleeping function called from invalid context"));
  }
}
