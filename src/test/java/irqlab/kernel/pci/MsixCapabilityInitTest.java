package irqlab.kernel.pci;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.exec.Actor;
import irqlab.exec.Event;
import irqlab.hw.PlatformBus;
import irqlab.hw.cpu.Cpu;
import irqlab.hw.pci.Bdf;
import irqlab.hw.pci.MsixCapability;
import irqlab.hw.pci.PciFunction;
import irqlab.kernel.Errno;
import irqlab.kernel.Kernel;
import irqlab.kernel.KernelException;
import irqlab.kernel.Variants;
import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.irq.IrqAffinity;
import irqlab.kernel.msi.MsiDesc;
import irqlab.kernel.msi.MsiDeviceData;
import irqlab.sim.run.RunRuntime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * drivers/pci/msi/msi.c msix_capability_init in 6.12: MSI-X enabled with the function masked,
 * descriptors prepared (each caching the entry's vector control as the hardware has it) and
 * interrupts set up, then every table entry masked (msix_mask_all writes the whole control word,
 * late, for a Marvell NVMe) and the function unmasked; on failure (out_disable) MASKALL and ENABLE
 * both go off.
 */
class MsixCapabilityInitTest {
  /** An MMIO or config write to the MSI-X table or capability, in order. */
  record Write(String what, int offset, int value) {}

  static class RecordingFunction extends PciFunction {
    final List<Write> writes = new ArrayList<>();

    RecordingFunction(RunRuntime exec, PlatformBus bus, int table) {
      super(exec, bus, Bdf.parse("0000:00:03.0"), 0x8086, 0x10fb, table);
    }

    @Override
    public void mmioWrite32(int bar, int off, int value) {
      super.mmioWrite32(bar, off, value);
      if (bar == MSIX_BAR) {
        writes.add(new Write("entry", off, value));
      }
    }

    @Override
    public void configWrite16(int off, int value) {
      super.configWrite16(off, value);
      if (off == MSIX_CAP_OFFSET + MsixCapability.FLAGS) {
        writes.add(new Write("control", off, value));
      }
    }
  }

  private final RunRuntime exec = new RunRuntime(1);
  private final List<Cpu> cpus = List.of(new Cpu(0, 0));
  private final PlatformBus bus = new PlatformBus(exec, cpus);
  private final Kernel k = new Kernel(exec, cpus, Variants.none(), true);
  private final RecordingFunction fn = new RecordingFunction(exec, bus, 4);
  private final PciDev dev = new PciDev(fn);

  private KernelException onTask(Runnable r) {
    KernelException[] err = new KernelException[1];
    exec.schedule(Event.of(exec.newActor("probe", Actor.Kind.TASK, 0), () -> {
      try {
        r.run();
      } catch (KernelException e) {
        err[0] = e;
      }
    }), exec.now());
    exec.runUntil(exec.now());
    return err[0];
  }

  private static boolean isCtrl(Write w) {
    return w.what().equals("entry") && w.offset() % MsixCapability.ENTRY_SIZE == MsixCapability.ENTRY_VECTOR_CTRL;
  }

  @Test
  void entriesAreMaskedAfterTheInterruptsAreSetUpThenTheFunctionIsUnmasked() {
    // A previous user left entry 1 unmasked: the descriptor caches what the hardware holds.
    fn.mmioWrite32(PciFunction.MSIX_BAR, MsixCapability.ENTRY_SIZE + MsixCapability.ENTRY_VECTOR_CTRL, 0);
    fn.writes.clear();
    assertThat(onTask(() -> k.pciMsi().allocIrqVectors(dev, 2, 2, PciMsi.PCI_IRQ_MSIX, null, null))).isNull();

    List<Write> w = fn.writes;
    assertThat(w.get(0)).isEqualTo(new Write("control", PciFunction.MSIX_CAP_OFFSET + MsixCapability.FLAGS,
        3 | MsixCapability.FLAGS_MASKALL | MsixCapability.FLAGS_ENABLE));
    assertThat(w.get(w.size() - 1)).isEqualTo(new Write("control", PciFunction.MSIX_CAP_OFFSET + MsixCapability.FLAGS,
        3 | MsixCapability.FLAGS_ENABLE));
    // The last four table writes are msix_mask_all: every entry's control word set to MASKBIT.
    List<Write> maskAll = w.subList(w.size() - 5, w.size() - 1);
    for (int i = 0; i < 4; i++) {
      assertThat(maskAll.get(i)).isEqualTo(new Write("entry",
          i * MsixCapability.ENTRY_SIZE + MsixCapability.ENTRY_VECTOR_CTRL, MsixCapability.ENTRY_CTRL_MASKBIT));
    }
    // Before them, activation wrote the messages (reservation mode: the shutdown vector).
    int firstMaskAll = w.size() - 5;
    assertThat(w.subList(1, firstMaskAll)).anyMatch(x -> x.what().equals("entry") && !isCtrl(x));
    for (int i = 0; i < 4; i++) {
      assertThat(fn.entryMasked(i)).isTrue();
    }
    MsiDesc d1 = dev.msiData().domain(MsiDeviceData.DEFAULT_DOMAIN).store().get(1);
    assertThat(d1.msixCtrl() & MsixCapability.ENTRY_CTRL_MASKBIT).as("read before msix_mask_all").isZero();
    assertThat(fn.msixFunctionMasked()).isFalse();
  }

  @Test
  void aFailedSetupTurnsMaskallAndEnableOff() {
    // CPU 0's vector space full: the managed reservation of pci_alloc_irq_vectors_affinity fails.
    onTask(() -> {
      while (k.matrix().available(0) > 0) {
        k.matrix().alloc(CpuMask.of(0), false);
      }
    });
    fn.writes.clear();
    KernelException e = onTask(() -> k.pciMsi().allocIrqVectors(dev, 1, 2,
        PciMsi.PCI_IRQ_MSIX | PciMsi.PCI_IRQ_AFFINITY, IrqAffinity.AffinityDescriptor.NONE, null));
    assertThat(e).isNotNull();
    assertThat(e.errno()).isEqualTo(Errno.ENOSPC);
    assertThat(fn.msixEnabled()).isFalse();
    assertThat(fn.msixFunctionMasked()).isFalse();
    assertThat(fn.writes.get(fn.writes.size() - 1)).isEqualTo(new Write("control",
        PciFunction.MSIX_CAP_OFFSET + MsixCapability.FLAGS, 3));
    assertThat(dev.msixEnabled()).isFalse();
  }
}
