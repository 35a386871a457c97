package irqlab.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.drivers.NicDriver;
import irqlab.kernel.irq.IrqData;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.irq.IrqdState;
import org.junit.jupiter.api.Test;

/**
 * The four cases of the kernel's KUnit suite irq_test_cases (kernel/irq/irq_test.c), step by
 * step with the same assertions, on a NIC's MSI-X interrupt instead of a fake chip. The suite came
 * with v6.16 and checks its depth handling (788019eb559f), so the machine runs the 6.16 profile;
 * 6.12.117 fails irq_shutdown_depth_test and irq_cpuhotplug_test (see
 * CpuHotplugTest#onlineUndoesTheDriversDisableAndResendsWhatItHeld).
 */
class KunitIrqTest {
  private static String nic(int cpus, int vectors, String affinity) {
    return "name: kunit\n"
        + "machine: { cpus: " + cpus + ", kernel: { version: \"6.16\" } }\n"
        + "devices:\n"
        + "  - { id: nic0, type: nic, msix: { table: " + vectors + " }, queues: " + vectors + " }\n"
        + "drivers:\n"
        + "  - { device: nic0, vectors: { min: " + vectors + ", max: " + vectors + ", kind: msix, affinity: "
        + affinity + " } }\n";
  }

  private static boolean activated(IrqData d) {
    return d.is(IrqdState.ACTIVATED);
  }

  private static boolean started(IrqData d) {
    return d.is(IrqdState.IRQ_STARTED);
  }

  @Test
  void irqDisableDepthTest() {
    HotplugRig r = new HotplugRig(nic(2, 1, "none"));
    int irq = r.irq("nic0/msix/0");
    IrqDesc desc = r.desc("nic0/msix/0");
    assertThat(desc.depth()).isZero(); // request_irq at probe
    r.onTask(() -> r.k.manage().disableIrq(irq));
    assertThat(desc.depth()).isEqualTo(1);
    r.onTask(() -> r.k.manage().enableIrq(irq));
    assertThat(desc.depth()).isZero();
    r.onTask(() -> r.m.binding("nic0").driver().freeIrq(0));
  }

  @Test
  void irqFreeDisabledTest() {
    HotplugRig r = new HotplugRig(nic(2, 1, "none"));
    NicDriver drv = (NicDriver) r.m.binding("nic0").driver();
    int irq = r.irq("nic0/msix/0");
    IrqDesc desc = r.desc("nic0/msix/0");
    assertThat(desc.depth()).isZero();
    r.onTask(() -> r.k.manage().disableIrq(irq));
    assertThat(desc.depth()).isEqualTo(1);
    r.onTask(() -> drv.freeIrq(0));
    assertThat(desc.depth()).isGreaterThanOrEqualTo(1);
    assertThat(r.onTask(() -> drv.requestIrq(0))).isNull();
    assertThat(desc.depth()).isZero();
    r.onTask(() -> drv.freeIrq(0));
  }

  @Test
  void irqShutdownDepthTest() {
    HotplugRig r = new HotplugRig(nic(4, 1, "managed"));
    int irq = r.irq("nic0/msix/0");
    IrqDesc desc = r.desc("nic0/msix/0");
    IrqData data = desc.data();
    assertThat(desc.affinity()).isEqualTo(CpuMask.first(4)); // CPU_MASK_ALL, managed
    assertThat(activated(data)).isTrue();
    assertThat(started(data)).isTrue();
    assertThat(data.is(IrqdState.AFFINITY_MANAGED)).isTrue();
    assertThat(desc.depth()).isZero();

    r.onTask(() -> r.k.manage().disableIrq(irq));
    assertThat(desc.depth()).isEqualTo(1);

    r.onTask(() -> {
      boolean f = r.k.localIrqSave();
      desc.lock().lock();
      try {
        r.k.chipFlow().irqShutdownAndDeactivate(desc);
      } finally {
        desc.lock().unlock();
        r.k.localIrqRestore(f);
      }
    });
    assertThat(activated(data)).isFalse();
    assertThat(started(data)).isFalse();

    // irq_activate() does nothing for a managed line; irq_startup_managed() takes back the
    // shutdown's level only.
    r.onTask(() -> r.k.smpBoot().cpuHotplug().irqStartupManaged(desc));
    assertThat(desc.depth()).isEqualTo(1);

    r.onTask(() -> r.k.manage().enableIrq(irq));
    assertThat(desc.depth()).isZero();
    assertThat(started(data)).isTrue();
    r.onTask(() -> r.m.binding("nic0").driver().freeIrq(0));
  }

  @Test
  void irqCpuhotplugTest() {
    HotplugRig r = new HotplugRig(nic(2, 2, "managed"));
    int irq = r.irq("nic0/msix/1");
    IrqDesc desc = r.desc("nic0/msix/1");
    IrqData data = desc.data();
    assertThat(desc.affinity()).isEqualTo(CpuMask.of(1)); // cpumask_of(1)
    assertThat(activated(data)).isTrue();
    assertThat(started(data)).isTrue();
    assertThat(data.is(IrqdState.AFFINITY_MANAGED)).isTrue();
    assertThat(desc.depth()).isZero();

    r.onTask(() -> r.k.manage().disableIrq(irq));
    assertThat(desc.depth()).isEqualTo(1);

    assertThat(r.cpuDown(1)).isNull(); // remove_cpu(1) == 0
    assertThat(desc.depth()).isGreaterThanOrEqualTo(1);
    assertThat(r.cpuUp(1)).isNull(); // add_cpu(1) == 0
    assertThat(desc.depth()).isEqualTo(1);

    r.onTask(() -> r.k.manage().enableIrq(irq));
    assertThat(activated(data)).isTrue();
    assertThat(started(data)).isTrue();
    assertThat(desc.depth()).isZero();
    assertThat(r.log()).noneMatch(l -> l.startsWith("Unbalanced enable"));
    r.onTask(() -> r.m.binding("nic0").driver().freeIrq(1));
  }
}
