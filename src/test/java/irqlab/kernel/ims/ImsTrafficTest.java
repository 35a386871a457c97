package irqlab.kernel.ims;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.hw.devices.AcceleratorDevice;
import irqlab.kernel.KernelLog;
import irqlab.kernel.Variants;
import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.irq.ProcIrq;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Both IMS stores under traffic, with affinity changes and disable/enable in between: every
 * completion is consumed, and the queue-memory store needs its commands for that.
 */
class ImsTrafficTest {
  private static final int QUEUES = 32;
  private ImsRig rig;

  @AfterEach
  void close() {
    if (rig != null) {
      rig.close();
    }
  }

  /** Probe at 0, traffic 0..4 ms, affinity moves at 1 ms, disable at 2 ms and enable at 3 ms. */
  private ImsRig busy(AcceleratorDevice.Store store, int cache, ImsRig.Platform platform, String... variants) {
    rig = new ImsRig(8, QUEUES, store, cache, platform, variants);
    ImsRig r = rig;
    r.onTask(0, r.driver::probe);
    r.traffic(10_000, 4_000_000, 20_000, QUEUES);
    r.onTask(1_000_000, () -> {
      for (int q = 0; q < QUEUES; q += 3) {
        ProcIrq.writeSmpAffinityList(r.k, r.driver.imsIrq(r.driver.imsIndex(q)), CpuMask.of((q / 3) % 8));
      }
    });
    r.onTask(2_000_000, () -> {
      for (int q = 0; q < QUEUES; q += 4) {
        r.k.manage().disableIrq(r.driver.imsIrq(r.driver.imsIndex(q)));
      }
    });
    r.onTask(3_000_000, () -> {
      for (int q = 0; q < QUEUES; q += 4) {
        r.k.manage().enableIrq(r.driver.imsIrq(r.driver.imsIndex(q)));
      }
    });
    r.run();
    return r;
  }

  private long delivered() {
    long n = 0;
    for (int q = 0; q < QUEUES; q++) {
      n += rig.k.descs().get(rig.driver.imsIrq(rig.driver.imsIndex(q))).totalCount();
    }
    return n;
  }

  private List<String> errors() {
    return rig.k.log().lines().stream().filter(l -> !l.level().equals("info") && !l.level().equals("debug"))
        .map(KernelLog.Line::text).toList();
  }

  @Test
  void theSlotArrayLosesNothing() {
    busy(AcceleratorDevice.Store.DEVICE_ARRAY, 1, ImsRig.Platform.REMAPPING);
    assertThat(rig.completed()).isGreaterThan(QUEUES * 50L);
    assertThat(rig.outstanding()).isZero();
    assertThat(delivered()).isPositive();
    assertThat(errors()).noneMatch(t -> t.contains("No irq handler"));
  }

  @Test
  void queueMemoryLosesNothingAlthoughTheCacheKeepsWritingBack() {
    busy(AcceleratorDevice.Store.HOST_MEMORY, 8, ImsRig.Platform.REMAPPING);
    assertThat(rig.completed()).isGreaterThan(QUEUES * 50L);
    assertThat(rig.outstanding()).isZero();
    assertThat(rig.dev.contexts().writeBacks()).isGreaterThan(100);
    assertThat(rig.dev.contexts().staleWriteBacks()).isZero();
    assertThat(rig.driver.queueChip().commandsFailed()).isZero();
    assertThat(errors()).noneMatch(t -> t.contains("No irq handler"));
  }

  @Test
  void queueMemoryMovesWithoutRemappingThroughTheWorkItem() {
    busy(AcceleratorDevice.Store.HOST_MEMORY, 8, ImsRig.Platform.VECTOR_WITH_IMS);
    assertThat(rig.outstanding()).isZero();
    // Queue 3 was moved to CPU 1: its message now names CPU 1 and the interrupts followed.
    IrqDesc d = rig.k.descs().get(rig.driver.imsIrq(rig.driver.imsIndex(3)));
    assertThat(d.effectiveAffinity()).isEqualTo(CpuMask.of(1));
    assertThat(d.count(1)).isPositive();
    assertThat(rig.dev.contexts().staleWriteBacks()).isZero();
    assertThat(errors()).noneMatch(t -> t.contains("No irq handler"));
  }

  @Test
  void storingIntoTheContextDirectlyIsUndoneByTheWriteBackAndLosesWork() {
    busy(AcceleratorDevice.Store.HOST_MEMORY, 8, ImsRig.Platform.REMAPPING, Variants.IMS_DIRECT_WRITE);
    assertThat(rig.dev.contexts().staleWriteBacks()).isPositive();
    assertThat(rig.outstanding()).isPositive();
  }
}
