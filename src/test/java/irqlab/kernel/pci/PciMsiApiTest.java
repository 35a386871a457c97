package irqlab.kernel.pci;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.exec.Actor;
import irqlab.exec.Event;
import irqlab.hw.PlatformBus;
import irqlab.hw.cpu.Cpu;
import irqlab.hw.pci.ConfigSpace;
import irqlab.hw.pci.MsixCapability;
import irqlab.hw.pci.PciFunction;
import irqlab.kernel.Errno;
import irqlab.kernel.Kernel;
import irqlab.kernel.KernelException;
import irqlab.kernel.Variants;
import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.irq.IrqAffinity;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.msi.MsiDesc;
import irqlab.kernel.msi.MsiDeviceData;
import irqlab.kernel.msi.MsiMsg;
import irqlab.kernel.pci.MsixCapabilityInitTest.RecordingFunction;
import irqlab.kernel.pci.MsixCapabilityInitTest.Write;
import irqlab.sim.run.RunRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The PCI/MSI-X driver API of drivers/pci/msi/api.c and msi.c, table access by table access on a
 * recording function (4 entries, INTA wired, 4 CPUs): pci_write_msg_msix masking an unmasked
 * entry around the three message words, pci_msix_mask/unmask, pci_msix_shutdown and
 * pci_free_irq_vectors, pci_msix_free_irq, the INTx fallback and the vector and table limits of
 * pci_alloc_irq_vectors_affinity.
 */
class PciMsiApiTest {
  private static final int CTRL = MsixCapability.ENTRY_VECTOR_CTRL;
  private static final int MASKBIT = MsixCapability.ENTRY_CTRL_MASKBIT;
  private static final int FLAGS = PciFunction.MSIX_CAP_OFFSET + MsixCapability.FLAGS;

  /** Reads of the table are recorded too: the flushing reads after posted writes. */
  private static final class Function extends RecordingFunction {
    Function(RunRuntime exec, PlatformBus bus) {
      super(exec, bus, 4);
    }

    @Override
    public int mmioRead32(int bar, int off) {
      int v = super.mmioRead32(bar, off);
      if (bar == MSIX_BAR) {
        writes.add(new Write("read", off, 0));
      }
      return v;
    }
  }

  private final RunRuntime exec = new RunRuntime(1);
  private final List<Cpu> cpus = List.of(new Cpu(0, 0), new Cpu(1, 1), new Cpu(2, 2), new Cpu(3, 3));
  private final PlatformBus bus = new PlatformBus(exec, cpus);
  private final Kernel k = new Kernel(exec, cpus, Variants.none(), true);
  private final Function fn = wired(new Function(exec, bus));
  private final PciDev dev = new PciDev(fn);

  private static Function wired(Function f) {
    f.wireIntx((fn, level) -> {});
    return f;
  }

  private <T> T onTask(Supplier<T> r) {
    Object[] out = new Object[1];
    KernelException[] err = new KernelException[1];
    exec.schedule(Event.of(exec.newActor("probe", Actor.Kind.TASK, 0), () -> {
      try {
        out[0] = r.get();
      } catch (KernelException e) {
        err[0] = e;
      }
    }), exec.now());
    exec.runUntil(exec.now());
    if (err[0] != null) {
      throw err[0];
    }
    @SuppressWarnings("unchecked")
    T t = (T) out[0];
    return t;
  }

  private Errno errno(Supplier<?> r) {
    try {
      onTask(r);
      return null;
    } catch (KernelException e) {
      return e.errno();
    }
  }

  private int msix(int min, int max) {
    return onTask(() -> k.pciMsi().allocIrqVectors(dev, min, max, PciMsi.PCI_IRQ_MSIX, null, null));
  }

  private MsiDesc desc(int index) {
    return dev.msiData().domain(MsiDeviceData.DEFAULT_DOMAIN).store().get(index);
  }

  private IrqDesc irq(int index) {
    return k.descs().get(desc(index).irq());
  }

  private static Write entry(int index, int reg, int value) {
    return new Write("entry", index * MsixCapability.ENTRY_SIZE + reg, value);
  }

  private static Write read(int index, int reg) {
    return new Write("read", index * MsixCapability.ENTRY_SIZE + reg, 0);
  }

  private boolean intxDisabled() {
    return (fn.configRead16(ConfigSpace.COMMAND) & ConfigSpace.COMMAND_INTX_DISABLE) != 0;
  }

  @Test
  void aMessageForAnUnmaskedEntryIsWrittenWithTheEntryMaskedAroundIt() {
    assertThat(msix(2, 2)).isEqualTo(2);
    MsiMsg msg = new MsiMsg(0xfee02000, 0, 0x41);
    // Entry 1 unmasked (as request_irq leaves it), with a steering tag bit kept in the cached word.
    desc(1).setMsixCtrl(0x10000);
    fn.writes.clear();
    onTask(() -> {
      k.pciMsi().writeMsiMsg(irq(1), desc(1), msg);
      return null;
    });
    // pci_write_msg_msix: "If software changes the Address or Data value of an entry while the
    // entry is unmasked, the result is undefined."
    assertThat(fn.writes).containsExactly(
        entry(1, CTRL, 0x10000 | MASKBIT),
        entry(1, MsixCapability.ENTRY_LOWER_ADDR, 0xfee02000),
        entry(1, MsixCapability.ENTRY_UPPER_ADDR, 0),
        entry(1, MsixCapability.ENTRY_DATA, 0x41),
        entry(1, CTRL, 0x10000),
        read(1, MsixCapability.ENTRY_DATA));
    assertThat(desc(1).msg()).isEqualTo(msg);

    // A masked entry: the words only.
    desc(0).setMsixCtrl(MASKBIT);
    fn.writes.clear();
    onTask(() -> {
      k.pciMsi().writeMsiMsg(irq(0), desc(0), new MsiMsg(0xfee01000, 0, 0x42));
      return null;
    });
    assertThat(fn.writes).containsExactly(
        entry(0, MsixCapability.ENTRY_LOWER_ADDR, 0xfee01000),
        entry(0, MsixCapability.ENTRY_UPPER_ADDR, 0),
        entry(0, MsixCapability.ENTRY_DATA, 0x42),
        read(0, MsixCapability.ENTRY_DATA));
  }

  /** A one-CPU machine of its own, for a kernel built differently (variants). */
  private static final class Rig {
    final RunRuntime rt = new RunRuntime(1);
    final List<Cpu> cs = List.of(new Cpu(0, 0));
    final Kernel k;
    final Function f = new Function(rt, new PlatformBus(rt, cs));
    final PciDev d = new PciDev(f);

    Rig(String... variants) {
      k = new Kernel(rt, cs, new Variants(List.of(variants)), true);
    }

    KernelException run(Runnable r) {
      KernelException[] err = new KernelException[1];
      rt.schedule(Event.of(rt.newActor("probe", Actor.Kind.TASK, 0), () -> {
        try {
          r.run();
        } catch (KernelException e) {
          err[0] = e;
        }
      }), rt.now());
      rt.runUntil(rt.now());
      return err[0];
    }

    MsiDesc desc(int index) {
      return d.msiData().domain(MsiDeviceData.DEFAULT_DOMAIN).store().get(index);
    }
  }

  @Test
  void theUnmaskedUpdateVariantWritesTheWordsOfAnUnmaskedEntryWithoutMasking() {
    Rig r = new Rig(Variants.MSIX_UNMASKED_UPDATE);
    assertThat(r.run(() -> r.k.pciMsi().allocIrqVectors(r.d, 1, 1, PciMsi.PCI_IRQ_MSIX, null, null))).isNull();
    r.desc(0).setMsixCtrl(0);
    r.f.writes.clear();
    r.run(() -> r.k.pciMsi().writeMsiMsg(r.k.descs().get(r.desc(0).irq()), r.desc(0), new MsiMsg(0xfee00000, 0, 0x43)));
    assertThat(r.f.writes).containsExactly(
        entry(0, MsixCapability.ENTRY_LOWER_ADDR, 0xfee00000),
        entry(0, MsixCapability.ENTRY_UPPER_ADDR, 0),
        entry(0, MsixCapability.ENTRY_DATA, 0x43),
        read(0, MsixCapability.ENTRY_DATA));
  }

  /**
   * __pci_enable_msix_range: msix_capability_init answering a positive count (msi_handle_pci_fail:
   * what was allocated before the failure) makes it try again with that many, after
   * irq_calc_affinity_vectors; below minvec it is -ENOSPC. One CPU with no vector left: the
   * managed vector cannot be reserved (irq_matrix_reserve_managed), the pre vector (reservation
   * mode) can.
   */
  @Test
  void aPartialAllocationIsRetriedWithTheCountThatWorked() {
    Rig r = new Rig();
    r.run(() -> {
      while (r.k.matrix().available(0) > 0) {
        r.k.matrix().alloc(CpuMask.of(0), false);
      }
    });
    int[] n = new int[1];
    IrqAffinity.AffinityDescriptor onePre = new IrqAffinity.AffinityDescriptor(1, 0);
    KernelException e = r.run(() -> r.k.pciMsi().allocIrqVectors(r.d, 2, 2,
        PciMsi.PCI_IRQ_MSIX | PciMsi.PCI_IRQ_AFFINITY, onePre, null));
    assertThat(e.errno()).isEqualTo(Errno.ENOSPC);
    assertThat(r.f.msixEnabled()).isFalse();
    assertThat(r.run(() -> n[0] = r.k.pciMsi().allocIrqVectors(r.d, 1, 2,
        PciMsi.PCI_IRQ_MSIX | PciMsi.PCI_IRQ_AFFINITY, onePre, null))).isNull();
    assertThat(n[0]).isEqualTo(1);
    // One vector, the pre vector: irq_create_affinity_masks returns NULL, the default affinity.
    assertThat(r.desc(0).affinity()).isNull();
    assertThat(r.k.descs().get(r.desc(0).irq()).data().is(irqlab.kernel.irq.IrqdState.AFFINITY_MANAGED)).isFalse();
    assertThat(r.desc(1)).isNull();
    assertThat(r.f.msixEnabled()).isTrue();
  }

  @Test
  void maskSetsTheBitInTheCachedWordAndFlushesUnmaskClearsItWithoutARead() {
    assertThat(msix(1, 1)).isEqualTo(1);
    desc(0).setMsixCtrl(0x10000);
    fn.writes.clear();
    onTask(() -> {
      k.pciMsi().msixMask(irq(0), desc(0));
      return null;
    });
    // pci_msix_mask: write, then read back to flush the posted write.
    assertThat(fn.writes).containsExactly(entry(0, CTRL, 0x10000 | MASKBIT), read(0, CTRL));
    assertThat(desc(0).msixCtrl()).isEqualTo(0x10000 | MASKBIT);
    assertThat(fn.entryMasked(0)).isTrue();
    fn.writes.clear();
    onTask(() -> {
      k.pciMsi().msixUnmask(irq(0), desc(0));
      return null;
    });
    assertThat(fn.writes).containsExactly(entry(0, CTRL, 0x10000));
    assertThat(fn.entryMasked(0)).isFalse();
  }

  @Test
  void freeIrqVectorsMasksEveryEntryTurnsMsixOffAndGivesTheInterruptsBack() {
    int descsBefore = k.descs().size();
    assertThat(msix(3, 3)).isEqualTo(3);
    assertThat(intxDisabled()).as("msix_capability_init: pci_intx_for_msi(dev, 0)").isTrue();
    List<Integer> irqs = List.of(desc(0).irq(), desc(1).irq(), desc(2).irq());
    for (int i = 0; i < 3; i++) {
      int e = i;
      onTask(() -> {
        k.pciMsi().msixUnmask(irq(e), desc(e));
        return null;
      });
    }
    fn.writes.clear();
    onTask(() -> {
      k.pciMsi().freeIrqVectors(dev);
      return null;
    });
    // pci_msix_shutdown: every descriptor masked, then ENABLE off (table size 4: QSIZE 3), INTx back.
    List<Write> first = fn.writes.subList(0, 7);
    assertThat(first).containsExactly(entry(0, CTRL, MASKBIT), read(0, CTRL), entry(1, CTRL, MASKBIT),
        read(1, CTRL), entry(2, CTRL, MASKBIT), read(2, CTRL), new Write("control", FLAGS, 3));
    for (int i = 0; i < 3; i++) {
      assertThat(fn.entryMasked(i)).isTrue();
      assertThat(k.descs().get(irqs.get(i))).isNull();
    }
    assertThat(fn.msixEnabled()).isFalse();
    assertThat(dev.msixEnabled()).isFalse();
    assertThat(intxDisabled()).isFalse();
    assertThat(k.descs().size()).isEqualTo(descsBefore);
    assertThat(dev.msiData().domain(MsiDeviceData.DEFAULT_DOMAIN).store().size()).isZero();
    // pci_irq_vector: no vector any more.
    assertThat(errno(() -> k.pciMsi().irqVector(dev, 0))).isEqualTo(Errno.EINVAL);
    // A second free does nothing.
    fn.writes.clear();
    onTask(() -> {
      k.pciMsi().freeIrqVectors(dev);
      return null;
    });
    assertThat(fn.writes).isEmpty();
  }

  @Test
  void msixFreeIrqMasksThatEntryAndFreesOnlyIt() {
    assertThat(msix(2, 2)).isEqualTo(2);
    int irq1 = desc(1).irq();
    onTask(() -> {
      k.pciMsi().msixUnmask(irq(1), desc(1));
      return null;
    });
    fn.writes.clear();
    onTask(() -> {
      k.pciMsi().msixFreeIrq(dev, 1);
      return null;
    });
    // pci_msix_free_irq: pci_msix_mask, then the interrupt and the descriptor go.
    assertThat(fn.writes.subList(0, 2)).containsExactly(entry(1, CTRL, MASKBIT), read(1, CTRL));
    assertThat(fn.entryMasked(1)).isTrue();
    assertThat(desc(1)).isNull();
    assertThat(k.descs().get(irq1)).isNull();
    assertThat(desc(0).irq()).isPositive();
    assertThat(fn.msixEnabled()).isTrue();
    assertThat(errno(() -> {
      k.pciMsi().msixFreeIrq(dev, 1);
      return null;
    })).isEqualTo(Errno.ENOENT);
    onTask(() -> {
      k.pciMsi().freeIrqVectors(dev);
      return null;
    });
    assertThat(errno(() -> {
      k.pciMsi().msixFreeIrq(dev, 0);
      return null;
    })).isEqualTo(Errno.ENOTSUPP);
  }

  @Test
  void theGlobalDomainChipOpsReachTheMsixEntry() {
    assertThat(msix(2, 2)).isEqualTo(2);
    fn.writes.clear();
    onTask(() -> {
      k.pciMsi().unmaskIrq(irq(1).data());
      return null;
    });
    assertThat(fn.entryMasked(1)).isFalse();
    assertThat(fn.entryMasked(0)).isTrue();
    onTask(() -> {
      k.pciMsi().maskIrq(irq(1).data());
      k.pciMsi().writeMsg(irq(1).data(), new MsiMsg(0xfee01000, 0, 0x44));
      return null;
    });
    assertThat(fn.entryMasked(1)).isTrue();
    assertThat(fn.writes).containsExactly(entry(1, CTRL, 0), entry(1, CTRL, MASKBIT), read(1, CTRL),
        entry(1, MsixCapability.ENTRY_LOWER_ADDR, 0xfee01000), entry(1, MsixCapability.ENTRY_UPPER_ADDR, 0),
        entry(1, MsixCapability.ENTRY_DATA, 0x44), read(1, MsixCapability.ENTRY_DATA));
  }

  /** Without PCI_IRQ_AFFINITY an affinity descriptor is ignored (WARN_ON(affd); affd = NULL). */
  @Test
  void anAffinityDescriptorWithoutTheFlagIsIgnored() {
    int n = onTask(() -> k.pciMsi().allocIrqVectors(dev, 3, 3, PciMsi.PCI_IRQ_MSIX,
        new IrqAffinity.AffinityDescriptor(1, 0), null));
    assertThat(n).isEqualTo(3);
    for (int i = 0; i < 3; i++) {
      assertThat(desc(i).affinity()).isNull();
      assertThat(irq(i).data().is(irqlab.kernel.irq.IrqdState.AFFINITY_MANAGED)).isFalse();
    }
  }

  @Test
  void intxIsUsedOnlyWhenAskedFor() {
    dev.irq = 11;
    assertThat(msix(1, 1)).isEqualTo(1);
    // MSI-X already on: EINVAL; INTx not allowed, so that error is the answer.
    assertThat(errno(() -> k.pciMsi().allocIrqVectors(dev, 1, 1, PciMsi.PCI_IRQ_MSIX, null, null)))
        .isEqualTo(Errno.EINVAL);
    assertThat(dev.intxInUse()).isFalse();
    // Allowed, without affinity: the line.
    assertThat((int) onTask(() -> k.pciMsi().allocIrqVectors(dev, 1, 1,
        PciMsi.PCI_IRQ_MSIX | PciMsi.PCI_IRQ_INTX, null, null))).isEqualTo(1);
    assertThat(dev.intxInUse()).isTrue();
  }

  @Test
  void flagsWithoutAnInterruptTypeAnswerEnospc() {
    // pci_alloc_irq_vectors_affinity starts from nvecs = -ENOSPC and tries nothing.
    assertThat(errno(() -> k.pciMsi().allocIrqVectors(dev, 1, 1, PciMsi.PCI_IRQ_AFFINITY, null, null)))
        .isEqualTo(Errno.ENOSPC);
    assertThat(errno(() -> k.pciMsi().allocIrqVectors(dev, 1, 1, 0, null, null))).isEqualTo(Errno.ENOSPC);
    assertThat(fn.writes).isEmpty();
  }

  @Test
  void theIntxLineIsTheFallbackForOneVectorWhenTheDeviceHasOne() {
    dev.irq = 11;
    // MSI-X refused (more than the table) and no MSI capability: INTx, with the INTx disable bit clear.
    fn.configWrite16(ConfigSpace.COMMAND, fn.configRead16(ConfigSpace.COMMAND) | ConfigSpace.COMMAND_INTX_DISABLE);
    int n = onTask(() -> k.pciMsi().allocIrqVectors(dev, 1, 1,
        PciMsi.PCI_IRQ_INTX | PciMsi.PCI_IRQ_AFFINITY, null, null));
    assertThat(n).isEqualTo(1);
    assertThat(dev.intxInUse()).isTrue();
    assertThat(intxDisabled()).isFalse();
    assertThat(onTask(() -> k.pciMsi().irqVector(dev, 0))).isEqualTo(11);
    assertThat(errno(() -> k.pciMsi().irqVector(dev, 1))).isEqualTo(Errno.EINVAL);
    onTask(() -> {
      k.pciMsi().freeIrqVectors(dev);
      return null;
    });
    assertThat(dev.intxInUse()).isFalse();
  }

  @Test
  void intxIsOnlyForOneVectorAndOnlyWithALine() {
    // min 2: INTx cannot serve; the error is MSI-X's (5 > 4 entries: ENOSPC).
    dev.irq = 11;
    assertThat(errno(() -> k.pciMsi().allocIrqVectors(dev, 5, 8, PciMsi.PCI_IRQ_MSIX | PciMsi.PCI_IRQ_INTX, null,
        null))).isEqualTo(Errno.ENOSPC);
    assertThat(dev.intxInUse()).isFalse();
    dev.irq = 0;
    assertThat(errno(() -> k.pciMsi().allocIrqVectors(dev, 1, 1, PciMsi.PCI_IRQ_INTX, null, null)))
        .isEqualTo(Errno.ENOSPC);
    assertThat(dev.intxInUse()).isFalse();
  }

  @Test
  void theTableSizeCapsTheVectorsAndAMinimumAboveItIsEnospc() {
    // __pci_enable_msix_range: nvec = min(maxvec, table size); below minvec, -ENOSPC.
    assertThat(errno(() -> k.pciMsi().allocIrqVectors(dev, 5, 5, PciMsi.PCI_IRQ_MSIX, null, null)))
        .isEqualTo(Errno.ENOSPC);
    assertThat(fn.msixEnabled()).isFalse();
    assertThat(msix(4, 32)).isEqualTo(4);
    assertThat(dev.msiData().domain(MsiDeviceData.DEFAULT_DOMAIN).store().size()).isEqualTo(4);
    assertThat(errno(() -> k.pciMsi().allocIrqVectors(dev, 1, 1, PciMsi.PCI_IRQ_MSIX, null, null)))
        .isEqualTo(Errno.EINVAL);
  }

  @Test
  void aMinimumAboveTheMaximumIsErange() {
    assertThat(errno(() -> k.pciMsi().allocIrqVectors(dev, 3, 2, PciMsi.PCI_IRQ_MSIX, null, null)))
        .isEqualTo(Errno.ERANGE);
  }

  @Test
  void pinnedMasksPlaceUnmanagedVectorsWhereTheDriverAsked() {
    List<CpuMask> pinned = new ArrayList<>();
    pinned.add(CpuMask.of(2));
    pinned.add(null);
    int n = onTask(() -> k.pciMsi().allocIrqVectors(dev, 3, 3, PciMsi.PCI_IRQ_MSIX, null, pinned));
    assertThat(n).isEqualTo(3);
    assertThat(desc(0).affinity().mask()).isEqualTo(CpuMask.of(2));
    assertThat(desc(0).affinity().managed()).isFalse();
    assertThat(irq(0).affinity()).isEqualTo(CpuMask.of(2));
    // Null, and beyond the list: the default affinity, all CPUs.
    assertThat(desc(1).affinity()).isNull();
    assertThat(desc(2).affinity()).isNull();
    assertThat(irq(1).affinity()).isEqualTo(CpuMask.first(4));
    assertThat(irq(2).affinity()).isEqualTo(CpuMask.first(4));
  }

  @Test
  void affinitySpreadingManagesTheVectorsBeyondThePreVectors() {
    int n = onTask(() -> k.pciMsi().allocIrqVectors(dev, 1, 4, PciMsi.PCI_IRQ_MSIX | PciMsi.PCI_IRQ_AFFINITY,
        new IrqAffinity.AffinityDescriptor(1, 0), null));
    // One pre vector plus one per CPU would be 5; the table has 4: 1 + 3 spread over 4 CPUs.
    assertThat(n).isEqualTo(4);
    assertThat(desc(0).affinity().managed()).isFalse();
    assertThat(desc(1).affinity().managed()).isTrue();
    assertThat(desc(1).affinity().mask()).isEqualTo(CpuMask.of(0, 1));
    assertThat(desc(2).affinity().mask()).isEqualTo(CpuMask.of(2));
    assertThat(desc(3).affinity().mask()).isEqualTo(CpuMask.of(3));
  }
}
