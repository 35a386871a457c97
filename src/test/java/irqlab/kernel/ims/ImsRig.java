package irqlab.kernel.ims;

import irqlab.exec.Actor;
import irqlab.exec.Event;
import irqlab.hw.PlatformBus;
import irqlab.hw.cpu.Cpu;
import irqlab.hw.devices.AcceleratorDevice;
import irqlab.hw.ims.QueueMemory;
import irqlab.hw.iommu.InterruptRemappingUnit;
import irqlab.hw.iommu.TableMemory;
import irqlab.hw.pci.Bdf;
import irqlab.kernel.Kernel;
import irqlab.kernel.Variants;
import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.domain.BusToken;
import irqlab.kernel.drivers.AcceleratorDriver;
import irqlab.kernel.iommu.IommuOptions;
import irqlab.kernel.irq.IrqData;
import irqlab.kernel.msi.MsiDevice;
import irqlab.kernel.msi.MsiDomainTemplate;
import irqlab.kernel.msi.MsiParent;
import irqlab.kernel.pci.PciDev;
import irqlab.kernel.pci.PciIms;
import irqlab.sim.run.RunRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * An accelerator on a small machine, built by hand: either with interrupt remapping (the real
 * IMS-capable parent) or on a plain VECTOR parent that tests pretend offers IMS, so that the
 * message really changes on an affinity move.
 */
final class ImsRig implements AutoCloseable {
  /** The VECTOR parent, claiming IMS support: a platform without remapping that offered IMS. */
  static final class ImsOnVectorParent implements MsiParent {
    private final MsiParent inner;

    ImsOnVectorParent(MsiParent inner) {
      this.inner = inner;
    }

    @Override
    public String prefix() {
      return inner.prefix();
    }

    @Override
    public int supportedFlags() {
      return inner.supportedFlags() | MsiDomainTemplate.FLAG_PCI_IMS;
    }

    @Override
    public boolean supportsBus(BusToken token) {
      return token == BusToken.PCI_DEVICE_IMS || inner.supportsBus(token);
    }

    @Override
    public Object allocInfo(MsiDevice dev) {
      return inner.allocInfo(dev);
    }

    @Override
    public int setAffinity(IrqData d, CpuMask mask, boolean force) {
      return inner.setAffinity(d, mask, force);
    }
  }

  final RunRuntime rt;
  final Kernel k;
  final QueueMemory mem;
  final AcceleratorDevice dev;
  final PciDev pci;
  final PciIms ims;
  final AcceleratorDriver driver;
  final Actor task;
  final Actor devActor;
  final List<Throwable> failures = new ArrayList<>();

  /** The MSI parent of the rig's PCI devices. */
  enum Platform {
    /** Interrupt remapping: INTEL-IR, which offers IMS. */
    REMAPPING,
    /** The VECTOR domain, which does not. */
    VECTOR,
    /** The VECTOR domain, pretending to offer IMS. */
    VECTOR_WITH_IMS
  }

  ImsRig(int cpus, int queues, AcceleratorDevice.Store store, int cache, Platform platform,
      String... variants) {
    boolean remapping = platform == Platform.REMAPPING;
    rt = new RunRuntime(1);
    List<Cpu> cs = new ArrayList<>();
    for (int i = 0; i < cpus; i++) {
      cs.add(new Cpu(i, i));
    }
    PlatformBus bus = new PlatformBus(rt, cs);
    IommuOptions iommu = IommuOptions.NONE;
    if (remapping) {
      InterruptRemappingUnit unit = new InterruptRemappingUnit(rt, bus, new TableMemory(rt));
      bus.setRemapper(unit);
      iommu = new IommuOptions(unit, false);
    }
    k = new Kernel(rt, cs, new Variants(List.of(variants)), true, iommu);
    mem = new QueueMemory(rt);
    dev = new AcceleratorDevice(rt, bus, Bdf.parse("0000:00:04.0"), "acc0", queues, 2, store,
        Math.max(queues, 1), cache, mem);
    pci = new PciDev(dev);
    ims = platform != Platform.VECTOR_WITH_IMS ? k.pciIms()
        : new PciIms(k, k.msiCore(), new ImsOnVectorParent(k.msiParent()), k.msiParentDomain());
    driver = new AcceleratorDriver(k, pci, ims, mem, "acc0", 1, queues, AcceleratorDriver.AffinityPolicy.NONE, null);
    task = rt.newActor("test-task", Actor.Kind.TASK, 0);
    devActor = rt.newActor("acc0-traffic", Actor.Kind.DEVICE, -1);
  }

  /** Runs {@code r} as the kernel task at {@code at} ns; failures are kept for {@link #check}. */
  void onTask(long at, Runnable r) {
    rt.schedule(Event.of(task, () -> {
      try {
        r.run();
      } catch (RuntimeException | AssertionError e) {
        failures.add(e);
      }
    }), at);
  }

  /** Completions on every queue in [0, queues) at {@code rate} per second each, Poisson, for {@code forNs}. */
  void traffic(long start, long forNs, double ratePerQueue, int queues) {
    SplittableRandom r = new SplittableRandom(7);
    double gap = 1e9 / ratePerQueue;
    for (int q = 0; q < queues; q++) {
      int queue = q;
      SplittableRandom rnd = r.split();
      long end = start + forNs;
      rt.schedule(new Event(devActor) {
        @Override
        public void run() {
          dev.complete(queue);
          long next = rt.now() + Math.max(1, Math.round(-Math.log(1 - rnd.nextDouble()) * gap));
          if (next < end) {
            rt.schedule(this, next);
          }
        }
      }, start + Math.round(rnd.nextDouble() * gap));
    }
  }

  void run() {
    rt.runToQuiescence();
    check();
  }

  void check() {
    if (!failures.isEmpty()) {
      AssertionError e = new AssertionError("failed on the kernel task: " + failures.get(0), failures.get(0));
      throw e;
    }
  }

  long outstanding() {
    long n = 0;
    for (int q = 0; q < dev.queues(); q++) {
      n += dev.outstanding(q);
    }
    return n;
  }

  long completed() {
    long n = 0;
    for (int q = 0; q < dev.queues(); q++) {
      n += dev.completedTotal(q);
    }
    return n;
  }

  @Override
  public void close() {
    rt.close();
  }
}
