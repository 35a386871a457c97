package irqlab.hw.pci;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.hw.MessageObserver;
import irqlab.hw.PlatformBus;
import irqlab.hw.cpu.Cpu;
import irqlab.sim.run.RunRuntime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A PCI function's MSI-X logic as the PCI Local Bus spec (6.8.2) and the PCIe base spec define
 * it, and Linux's drivers/pci/msi relies on: entries out of reset masked, a masked or blocked
 * signal latches its PBA bit, and the pending message goes out when the entry is unmasked, the
 * function mask clears or MSI-X is enabled; the PBA is read-only; MSI-X and MSI turn the INTx pin
 * off; a function-level reset disables MSI-X, masks every entry and clears the PBA.
 */
class PciFunctionTest {
  private static final int FLAGS = PciFunction.MSIX_CAP_OFFSET + MsixCapability.FLAGS;

  /** A message that reached an APIC. */
  record Msg(long address, int data) {}

  private final RunRuntime exec = new RunRuntime(1);
  private final PlatformBus bus = new PlatformBus(exec, List.of(new Cpu(0, 0), new Cpu(1, 1)));
  private final List<Msg> sent = new ArrayList<>();
  private final List<String> dropped = new ArrayList<>();

  PciFunctionTest() {
    bus.addObserver(new MessageObserver() {
      @Override
      public void delivered(int requesterId, long address, int data, int cpu, int vector) {
        sent.add(new Msg(address, data));
      }

      @Override
      public void dropped(int requesterId, long address, int data, String why) {
        dropped.add(Long.toHexString(address) + " " + Integer.toHexString(data) + ": " + why);
      }
    });
  }

  @AfterEach
  void close() {
    exec.close();
  }

  /** A function whose INTx condition the test sets. */
  static final class Fn extends PciFunction {
    boolean condition;

    Fn(RunRuntime exec, PlatformBus bus, int table, MsiShape msi) {
      super(exec, bus, Bdf.parse("0000:03:04.2"), 0x1af4, 0x1041, table, msi);
    }

    @Override
    protected boolean intxCondition() {
      return condition;
    }

    void conditionChanged(boolean c) {
      condition = c;
      updateIntx();
    }
  }

  private Fn fn(int table) {
    return new Fn(exec, bus, table, null);
  }

  /** Entry {@code e}: address of CPU {@code cpu} (physical destination), data {@code vector}, and its mask bit. */
  private static void program(PciFunction f, int e, int cpu, int vector, boolean masked) {
    int base = e * MsixCapability.ENTRY_SIZE;
    f.mmioWrite32(PciFunction.MSIX_BAR, base + MsixCapability.ENTRY_LOWER_ADDR, 0xfee00000 | cpu << 12);
    f.mmioWrite32(PciFunction.MSIX_BAR, base + MsixCapability.ENTRY_UPPER_ADDR, 0);
    f.mmioWrite32(PciFunction.MSIX_BAR, base + MsixCapability.ENTRY_DATA, vector);
    f.mmioWrite32(PciFunction.MSIX_BAR, base + MsixCapability.ENTRY_VECTOR_CTRL,
        masked ? MsixCapability.ENTRY_CTRL_MASKBIT : 0);
  }

  private static void control(PciFunction f, int flags) {
    f.configWrite16(FLAGS, (f.configRead16(FLAGS) & MsixCapability.FLAGS_QSIZE) | flags);
  }

  private static void maskEntry(PciFunction f, int e, boolean masked) {
    f.mmioWrite32(PciFunction.MSIX_BAR, e * MsixCapability.ENTRY_SIZE + MsixCapability.ENTRY_VECTOR_CTRL,
        masked ? MsixCapability.ENTRY_CTRL_MASKBIT : 0);
  }

  @Test
  void configSpaceAdvertisesTheMsixCapabilityAndTheTableAndPbaInBarZero() {
    Fn f = fn(4);
    assertThat(f.configRead16(ConfigSpace.VENDOR_ID)).isEqualTo(0x1af4);
    assertThat(f.configRead16(ConfigSpace.VENDOR_ID + 2)).isEqualTo(0x1041);
    assertThat(f.configRead32(ConfigSpace.VENDOR_ID)).isEqualTo(0x10411af4);
    assertThat(f.configRead16(ConfigSpace.STATUS) & ConfigSpace.STATUS_CAP_LIST).isNotZero();
    assertThat(f.configRead8(ConfigSpace.CAPABILITY_LIST)).isEqualTo(PciFunction.MSIX_CAP_OFFSET);
    assertThat(f.configRead8(PciFunction.MSIX_CAP_OFFSET)).isEqualTo(MsixCapability.CAP_ID);
    assertThat(f.configRead8(PciFunction.MSIX_CAP_OFFSET + 1)).isZero();
    // Table Size is N - 1; disabled and unmasked out of reset.
    assertThat(f.configRead16(FLAGS)).isEqualTo(3);
    assertThat(f.msixTableSize()).isEqualTo(4);
    assertThat(f.msixEnabled()).isFalse();
    assertThat(f.msixFunctionMasked()).isFalse();
    // Table at BAR 0 offset 0; PBA on the next 4 KiB boundary after the table, also in BAR 0.
    assertThat(f.configRead32(PciFunction.MSIX_CAP_OFFSET + MsixCapability.TABLE)).isZero();
    assertThat(f.configRead32(PciFunction.MSIX_CAP_OFFSET + MsixCapability.PBA)).isEqualTo(0x1000);
    assertThat(fn(300).configRead32(PciFunction.MSIX_CAP_OFFSET + MsixCapability.PBA)).isEqualTo(0x2000);
    assertThat(fn(256).configRead32(PciFunction.MSIX_CAP_OFFSET + MsixCapability.PBA)).isEqualTo(0x1000);
    for (int e = 0; e < 4; e++) {
      assertThat(f.entryMasked(e)).as("entry %d out of reset", e).isTrue();
      assertThat(f.mmioRead32(PciFunction.MSIX_BAR, e * 16 + MsixCapability.ENTRY_VECTOR_CTRL)).isEqualTo(1);
    }
    assertThat(f.bdf()).isEqualTo(Bdf.parse("0000:03:04.2"));
    assertThat(f.requesterId()).isEqualTo(3 << 8 | 4 << 3 | 2);
  }

  @Test
  void aFunctionWithoutMsixHasNoCapabilityAndNoPin() {
    Fn f = fn(0);
    assertThat(f.configRead16(ConfigSpace.STATUS) & ConfigSpace.STATUS_CAP_LIST).isZero();
    assertThat(f.configRead8(ConfigSpace.CAPABILITY_LIST)).isZero();
    assertThat(f.configRead8(ConfigSpace.INTERRUPT_PIN)).isZero();
    assertThat(f.msi()).isNull();
    // Writing the (absent) capability's control word enables nothing.
    f.configWrite16(FLAGS, MsixCapability.FLAGS_ENABLE);
    assertThat(f.signalMsix(0)).isFalse();
    assertThat(f.signalOutcome(0)).isEqualTo(MsiCapability.Outcome.OFF);
    f.wireIntx((x, up) -> {});
    assertThat(f.configRead8(ConfigSpace.INTERRUPT_PIN)).isEqualTo(1);
  }

  @Test
  void tableEntriesReadBackAndTheDeviceSendsWhatTheyHoldWhenItSignals() {
    Fn f = fn(4);
    control(f, MsixCapability.FLAGS_ENABLE);
    program(f, 2, 1, 0x41, false);
    assertThat(f.mmioRead32(PciFunction.MSIX_BAR, 2 * 16)).isEqualTo(0xfee01000);
    assertThat(f.mmioRead32(PciFunction.MSIX_BAR, 2 * 16 + 8)).isEqualTo(0x41);
    assertThat(f.entryAddress(2)).isEqualTo(0xfee01000L);
    assertThat(f.entryData(2)).isEqualTo(0x41);
    f.mmioWrite32(PciFunction.MSIX_BAR, 2 * 16 + 4, 0x12);
    assertThat(f.entryAddress(2)).isEqualTo(0x12_fee01000L);
    f.mmioWrite32(PciFunction.MSIX_BAR, 2 * 16 + 4, 0);
    assertThat(f.signalOutcome(2)).isEqualTo(MsiCapability.Outcome.SENT);
    assertThat(f.signalMsix(2)).isTrue();
    assertThat(sent).containsExactly(new Msg(0xfee01000L, 0x41));
    assertThat(f.messagesSent()).isEqualTo(1);
    assertThat(f.messagesHeldPending()).isZero();
    // The entry is read at signal time: a half-updated entry is what goes out.
    f.mmioWrite32(PciFunction.MSIX_BAR, 2 * 16 + 8, 0x42);
    f.signal(2);
    assertThat(sent).containsExactly(new Msg(0xfee01000L, 0x41), new Msg(0xfee01000L, 0x42));
    assertThat(f.messagesSent()).isEqualTo(2);
    // Entries beyond the table do not exist.
    assertThat(f.signalMsix(4)).isFalse();
    assertThat(f.signalOutcome(4)).isEqualTo(MsiCapability.Outcome.OFF);
    assertThat(f.messagePending(4)).isFalse();
  }

  @Test
  void aMaskedEntryLatchesItsPendingBitAndSendsOnceWhenUnmasked() {
    Fn f = fn(4);
    control(f, MsixCapability.FLAGS_ENABLE);
    program(f, 1, 0, 0x30, true);
    assertThat(f.signalOutcome(1)).isEqualTo(MsiCapability.Outcome.HELD);
    assertThat(f.signalMsix(1)).isTrue();
    assertThat(f.signalMsix(1)).isTrue(); // a second signal finds the bit already set
    assertThat(sent).isEmpty();
    assertThat(f.pbaPending(1)).isTrue();
    assertThat(f.pbaPending(0)).isFalse();
    assertThat(f.messagePending(1)).isTrue();
    assertThat(f.messagesHeldPending()).isEqualTo(2);
    // The PBA reads through BAR 0 (bit 1 of the first qword) and ignores writes.
    assertThat(f.mmioRead32(PciFunction.MSIX_BAR, 0x1000)).isEqualTo(0b10);
    assertThat(f.mmioRead32(PciFunction.MSIX_BAR, 0x1004)).isZero();
    f.mmioWrite32(PciFunction.MSIX_BAR, 0x1000, 0);
    assertThat(f.pbaPending(1)).isTrue();
    maskEntry(f, 1, false);
    assertThat(sent).containsExactly(new Msg(0xfee00000L, 0x30));
    assertThat(f.pbaPending(1)).isFalse();
    assertThat(f.mmioRead32(PciFunction.MSIX_BAR, 0x1000)).isZero();
    // Unmasking again (0 -> 0) sends nothing more.
    maskEntry(f, 1, false);
    assertThat(sent).hasSize(1);
  }

  @Test
  void thePbaHighWordCarriesEntriesThirtyTwoAndUp() {
    Fn f = fn(40);
    control(f, MsixCapability.FLAGS_ENABLE);
    program(f, 33, 0, 0x50, true);
    f.signalMsix(33);
    int pba = 0x1000; // 40 entries * 16 bytes = 640: the next 4 KiB boundary
    assertThat(f.mmioRead32(PciFunction.MSIX_BAR, pba)).isZero();
    assertThat(f.mmioRead32(PciFunction.MSIX_BAR, pba + 4)).isEqualTo(1 << 1);
    assertThat(f.mmioRead32(PciFunction.MSIX_BAR, pba + 8)).as("past the PBA").isZero();
    assertThat(f.mmioRead32(PciFunction.MSIX_BAR, pba - 4)).as("between table and PBA").isZero();
  }

  @Test
  void pendingMessagesWaitWhileTheFunctionIsMaskedAndGoOutWhenTheMaskClears() {
    Fn f = fn(4);
    control(f, MsixCapability.FLAGS_ENABLE | MsixCapability.FLAGS_MASKALL);
    program(f, 0, 1, 0x31, false);
    program(f, 3, 0, 0x34, true);
    assertThat(f.msixFunctionMasked()).isTrue();
    assertThat(f.signalOutcome(0)).isEqualTo(MsiCapability.Outcome.HELD);
    f.signalMsix(0);
    f.signalMsix(3);
    assertThat(sent).isEmpty();
    // An entry unmask under the function mask sends nothing.
    maskEntry(f, 3, true);
    maskEntry(f, 0, false);
    assertThat(sent).isEmpty();
    control(f, MsixCapability.FLAGS_ENABLE);
    // Entry 0 goes; entry 3 stays pending behind its own mask.
    assertThat(sent).containsExactly(new Msg(0xfee01000L, 0x31));
    assertThat(f.pbaPending(0)).isFalse();
    assertThat(f.pbaPending(3)).isTrue();
    // Rewriting the same unblocked control word releases nothing again.
    control(f, MsixCapability.FLAGS_ENABLE);
    maskEntry(f, 3, false);
    assertThat(sent).containsExactly(new Msg(0xfee01000L, 0x31), new Msg(0xfee00000L, 0x34));
  }

  @Test
  void pendingMessagesGoOutWhenMsixIsEnabled() {
    Fn f = fn(2);
    program(f, 1, 1, 0x44, false);
    // Disabled: the device cannot signal at all.
    assertThat(f.signalMsix(1)).isFalse();
    assertThat(f.signalOutcome(1)).isEqualTo(MsiCapability.Outcome.OFF);
    // Enabled with the function masked, a signal latches; enabling alone releases nothing yet.
    control(f, MsixCapability.FLAGS_ENABLE | MsixCapability.FLAGS_MASKALL);
    f.signalMsix(1);
    control(f, MsixCapability.FLAGS_MASKALL);
    assertThat(f.msixEnabled()).isFalse();
    assertThat(sent).isEmpty();
    // MSI-X enabled and unmasked in one write: the held message goes out.
    control(f, MsixCapability.FLAGS_ENABLE);
    assertThat(sent).containsExactly(new Msg(0xfee01000L, 0x44));
    assertThat(f.pbaPending(1)).isFalse();
  }

  @Test
  void routingWatchesHearControlWritesEntryControlChangesAndResetsUntilRemoved() {
    Fn f = fn(2);
    int[] a = {0};
    int[] b = {0};
    Runnable wa = () -> a[0]++;
    Runnable wb = () -> b[0]++;
    f.watchRouting(wa);
    f.watchRouting(wb);
    control(f, MsixCapability.FLAGS_ENABLE);
    assertThat(a[0]).isEqualTo(1);
    maskEntry(f, 0, false);
    assertThat(a[0]).isEqualTo(2);
    maskEntry(f, 0, false); // no change of the control word: nothing to tell
    f.mmioWrite32(PciFunction.MSIX_BAR, MsixCapability.ENTRY_DATA, 0x55); // address and data are not routing
    assertThat(a[0]).isEqualTo(2);
    f.configWrite16(ConfigSpace.COMMAND, 0); // not MSI-X's control
    assertThat(a[0]).isEqualTo(2);
    f.unwatchRouting(wa);
    f.unwatchRouting(() -> {}); // not watching: nothing happens
    f.reset();
    assertThat(a[0]).isEqualTo(2);
    assertThat(b[0]).isEqualTo(3);
    f.unwatchRouting(wb);
    f.reset();
    assertThat(b[0]).isEqualTo(3);
  }

  @Test
  void aWatchMayRemoveItselfWhileTheWatchesRun() {
    Fn f = fn(1);
    int[] runs = {0, 0};
    Runnable[] self = new Runnable[1];
    self[0] = () -> {
      runs[0]++;
      f.unwatchRouting(self[0]);
    };
    f.watchRouting(self[0]);
    f.watchRouting(() -> runs[1]++);
    f.reset();
    f.reset();
    assertThat(runs).containsExactly(1, 2);
  }

  @Test
  void heldAgainCountsOnlyPositiveCounts() {
    Fn f = fn(1);
    f.heldAgain(0, 5);
    f.heldAgain(0, 0);
    f.heldAgain(0, -3);
    assertThat(f.messagesHeldPending()).isEqualTo(5);
  }

  @Test
  void resetDisablesMsixMasksAndClearsEveryEntryAndThePba() {
    Fn f = fn(3);
    control(f, MsixCapability.FLAGS_ENABLE | MsixCapability.FLAGS_MASKALL);
    program(f, 2, 1, 0x61, false);
    f.signalMsix(2);
    f.reset();
    assertThat(f.configRead16(FLAGS)).isEqualTo(2);
    assertThat(f.msixEnabled()).isFalse();
    assertThat(f.msixFunctionMasked()).isFalse();
    for (int e = 0; e < 3; e++) {
      assertThat(f.entryMasked(e)).isTrue();
      assertThat(f.entryAddress(e)).isZero();
      assertThat(f.entryData(e)).isZero();
      assertThat(f.pbaPending(e)).isFalse();
    }
    // Nothing held survives: enabling and unmasking sends nothing.
    control(f, MsixCapability.FLAGS_ENABLE);
    maskEntry(f, 2, false);
    assertThat(sent).isEmpty();
  }

  @Test
  void theIntxPinFollowsTheConditionUnlessDisabledOrMsixIsOn() {
    Fn f = fn(2);
    List<Boolean> levels = new ArrayList<>();
    f.wireIntx((x, up) -> {
      assertThat(x).isSameAs(f);
      levels.add(up);
    });
    assertThat(f.configRead8(ConfigSpace.INTERRUPT_PIN)).isEqualTo(1);
    assertThat(f.signal(0)).as("no condition: nothing to signal").isFalse();
    f.conditionChanged(true);
    assertThat(f.intxAsserted()).isTrue();
    assertThat(f.messagePending(0)).isTrue();
    assertThat(f.configRead16(ConfigSpace.STATUS) & ConfigSpace.STATUS_INTERRUPT).isNotZero();
    assertThat(f.signal(0)).isTrue();
    assertThat(levels).containsExactly(true);
    // Interrupt Disable: the pin drops, the status bit still shows the condition.
    f.configWrite16(ConfigSpace.COMMAND, ConfigSpace.COMMAND_INTX_DISABLE);
    assertThat(f.intxAsserted()).isFalse();
    assertThat(f.signal(0)).isFalse();
    assertThat(f.peekConfig16(ConfigSpace.STATUS) & ConfigSpace.STATUS_INTERRUPT).isNotZero();
    f.configWrite16(ConfigSpace.COMMAND, 0);
    assertThat(f.intxAsserted()).isTrue();
    // MSI-X on: the pin is off and signals go to the table.
    control(f, MsixCapability.FLAGS_ENABLE);
    assertThat(f.intxAsserted()).isFalse();
    program(f, 0, 0, 0x70, false);
    assertThat(f.signal(0)).isTrue();
    assertThat(sent).containsExactly(new Msg(0xfee00000L, 0x70));
    control(f, 0);
    assertThat(f.intxAsserted()).isTrue();
    f.conditionChanged(false);
    assertThat(f.intxAsserted()).isFalse();
    assertThat(f.messagePending(0)).isFalse();
    assertThat(f.peekConfig16(ConfigSpace.STATUS) & ConfigSpace.STATUS_INTERRUPT).isZero();
    assertThat(levels).containsExactly(true, false, true, false, true, false);
    // Unchanged levels are not told again.
    f.conditionChanged(false);
    assertThat(levels).hasSize(6);
  }

  @Test
  void msiTurnsThePinOffAndCountsHeldMessages() {
    Fn f = new Fn(exec, bus, 0, new MsiShape(1, true, true));
    List<Boolean> levels = new ArrayList<>();
    f.wireIntx((x, up) -> levels.add(up));
    f.conditionChanged(true);
    int cap = PciFunction.MSI_CAP_OFFSET;
    f.configWrite32(cap + MsiCapability.ADDRESS_LO, 0xfee00000);
    f.configWrite16(cap + MsiCapability.DATA_64, 0x26);
    f.configWrite32(cap + MsiCapability.MASK_64, 1);
    assertThat(f.signalOutcome(0)).isEqualTo(MsiCapability.Outcome.OFF);
    f.configWrite16(cap + MsiCapability.FLAGS, f.configRead16(cap + MsiCapability.FLAGS) | MsiCapability.FLAGS_ENABLE);
    assertThat(f.msiEnabled()).isTrue();
    assertThat(levels).containsExactly(true, false);
    assertThat(f.signalOutcome(0)).isEqualTo(MsiCapability.Outcome.HELD);
    assertThat(f.signal(0)).isTrue();
    assertThat(f.messagesHeldPending()).isEqualTo(1);
    assertThat(f.messagePending(0)).isTrue();
    f.configWrite32(cap + MsiCapability.MASK_64, 0);
    assertThat(sent).containsExactly(new Msg(0xfee00000L, 0x26));
    assertThat(f.messagesSent()).isEqualTo(1);
    assertThat(f.messagePending(0)).isFalse();
    // MSI off again: no message can go, and the pin comes back.
    f.configWrite16(cap + MsiCapability.FLAGS, f.configRead16(cap + MsiCapability.FLAGS) & ~MsiCapability.FLAGS_ENABLE);
    assertThat(levels).containsExactly(true, false, true);
    f.conditionChanged(false);
    Fn unwired = new Fn(exec, bus, 0, MsiShape.legacy());
    assertThat(unwired.signal(0)).isFalse();
  }

  @Test
  void msixTakesPrecedenceOverMsiForSignalsAndPendingBits() {
    Fn f = new Fn(exec, bus, 2, new MsiShape(1, true, true));
    control(f, MsixCapability.FLAGS_ENABLE);
    program(f, 1, 0, 0x77, true);
    assertThat(f.signalOutcome(1)).isEqualTo(MsiCapability.Outcome.HELD);
    assertThat(f.signal(1)).isTrue();
    assertThat(f.messagePending(1)).isTrue();
    assertThat(f.msi().pendingBits()).isZero();
  }

  @Test
  void peeksReadConfigSpaceWithoutAnAccess() {
    Fn f = fn(8);
    assertThat(f.peekConfig16(FLAGS)).isEqualTo(7);
    assertThat(f.peekConfig8(PciFunction.MSIX_CAP_OFFSET)).isEqualTo(MsixCapability.CAP_ID);
    f.configWrite32(0x10, 0xfebf0000);
    assertThat(f.configRead32(0x10)).isEqualTo(0xfebf0000);
  }

  /** Every accessor the kernel uses is one scheduling point, so explore mode can switch there. */
  @Test
  void everyAccessIsOneSchedulingPointWithItsLabel() {
    List<String> points = new ArrayList<>();
    irqlab.exec.Exec recording = (irqlab.exec.Exec) java.lang.reflect.Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {irqlab.exec.Exec.class}, (proxy, method, args) -> {
          if (method.getName().equals("point")) {
            points.add((String) args[0]);
            return null;
          }
          return method.invoke(exec, args);
        });
    PciFunction f = new PciFunction(recording, bus, Bdf.parse("0000:00:05.0"), 0x8086, 0x10d3, 2,
        new MsiShape(1, true, true));
    f.configRead8(0);
    f.configRead16(0);
    f.configRead32(0);
    assertThat(points).containsExactly("cfg read", "cfg read", "cfg read");
    points.clear();
    f.configWrite16(ConfigSpace.COMMAND, 0);
    f.configWrite16(PciFunction.MSI_CAP_OFFSET + MsiCapability.DATA_64, 0x20);
    f.configWrite32(0x10, 0);
    f.configWrite32(PciFunction.MSI_CAP_OFFSET + MsiCapability.ADDRESS_LO, 0xfee00000);
    assertThat(points).containsExactly("cfg write", "cfg write", "cfg write", "cfg write");
    points.clear();
    f.mmioRead32(PciFunction.MSIX_BAR, 0);
    f.mmioRead32(PciFunction.DEVICE_BAR, 0);
    f.mmioWrite32(PciFunction.MSIX_BAR, 0, 0);
    f.mmioWrite32(PciFunction.DEVICE_BAR, 0, 0);
    assertThat(points).containsExactly("mmio read", "mmio read", "mmio write", "mmio write");
    points.clear();
    f.signalMsix(0);
    f.signal(0); // MSI off and no MSI-X: still the device's attempt
    assertThat(points).containsExactly("device signal", "device signal");
    points.clear();
    PciFunction wired = new PciFunction(recording, bus, Bdf.parse("0000:00:06.0"), 0x8086, 0x10d3, 0, null);
    wired.wireIntx((x, up) -> {});
    assertThat(wired.signal(0)).as("a plain function has no INTx condition").isFalse();
    assertThat(wired.intxAsserted()).isFalse();
    f.configWrite16(FLAGS, MsixCapability.FLAGS_ENABLE);
    points.clear();
    f.signal(0);
    assertThat(points).containsExactly("device signal");
  }

  @Test
  void msiWritesOfEitherWidthAreRoutingChanges() {
    Fn f = new Fn(exec, bus, 0, new MsiShape(4, true, true));
    int[] heard = {0};
    f.watchRouting(() -> heard[0]++);
    f.configWrite16(PciFunction.MSI_CAP_OFFSET + MsiCapability.DATA_64, 0x20);
    assertThat(heard[0]).isEqualTo(1);
    f.configWrite32(PciFunction.MSI_CAP_OFFSET + MsiCapability.MASK_64, 1);
    assertThat(heard[0]).isEqualTo(2);
    f.configWrite32(0x10, 0xfe000000); // a BAR: not routing
    // No MSI-X capability: its control word's offset is plain config space.
    f.configWrite16(FLAGS, MsixCapability.FLAGS_ENABLE);
    assertThat(heard[0]).isEqualTo(2);
    assertThat(f.msixEnabled()).isFalse();
    f.configWrite16(FLAGS, MsixCapability.FLAGS_MASKALL);
    assertThat(f.msixFunctionMasked()).isFalse();
    // With 4 vectors enabled, vector n of the block is n modulo the block.
    int cap = PciFunction.MSI_CAP_OFFSET;
    f.configWrite32(cap + MsiCapability.ADDRESS_LO, 0xfee00000);
    f.configWrite16(cap + MsiCapability.FLAGS, 2 << 4 | MsiCapability.FLAGS_ENABLE);
    f.signal(1);
    assertThat(f.messagePending(1)).isFalse(); // vector 1 is not masked (mask 0b0001)
    f.configWrite32(cap + MsiCapability.MASK_64, 0b0010);
    f.signal(1);
    assertThat(f.messagePending(5)).as("5 folds onto vector 1 of 4").isTrue();
    assertThat(f.messagePending(4)).isFalse();
  }

  @Test
  void theTableEndsWhereItsLastEntryEnds() {
    Fn f = fn(4);
    // The 16 bytes after the table: neither table nor PBA, writes go nowhere.
    f.mmioWrite32(PciFunction.MSIX_BAR, 64, 0x1234);
    f.mmioWrite32(PciFunction.MSIX_BAR, 76, 0);
    assertThat(f.mmioRead32(PciFunction.MSIX_BAR, 64)).isZero();
    assertThat(f.mmioRead32(PciFunction.MSIX_BAR, 76)).isZero();
    assertThat(f.entryMasked(3)).isTrue();
    // A 64-entry table fills its PBA qword exactly; entry 64 does not exist.
    Fn big = fn(64);
    big.configWrite16(FLAGS, 63 | MsixCapability.FLAGS_ENABLE | MsixCapability.FLAGS_MASKALL);
    program(big, 63, 0, 0x90, false);
    big.signalMsix(63);
    assertThat(big.messagePending(63)).isTrue();
    assertThat(big.messagePending(64)).isFalse();
    assertThat(big.mmioRead32(PciFunction.MSIX_BAR, 0x1004)).isEqualTo(1 << 31);
    big.configWrite16(FLAGS, 63 | MsixCapability.FLAGS_ENABLE);
    assertThat(sent).containsExactly(new Msg(0xfee00000L, 0x90));
  }

  @Test
  void aMessageHeldWhileEnabledAndMaskedGoesOutWhenMsixIsReEnabledUnmasked() {
    Fn f = fn(2);
    control(f, MsixCapability.FLAGS_ENABLE | MsixCapability.FLAGS_MASKALL);
    program(f, 0, 0, 0x48, false);
    f.signalMsix(0);
    control(f, 0); // disabled and unmasked: still blocked, nothing can go out
    assertThat(sent).isEmpty();
    assertThat(f.pbaPending(0)).isTrue();
    control(f, MsixCapability.FLAGS_ENABLE);
    assertThat(sent).containsExactly(new Msg(0xfee00000L, 0x48));
  }

  @Test
  void anUnwiredFunctionWithoutMsixOrMsiSignalsNothing() {
    Fn f = fn(4);
    f.condition = true;
    assertThat(f.signal(0)).isFalse();
    assertThat(f.messagePending(0)).isFalse();
    assertThat(f.messagesSent()).isZero();
  }

  @Test
  void unwatchingTheMiddleOrLastWatchKeepsTheOthersInOrder() {
    Fn f = fn(1);
    List<String> order = new ArrayList<>();
    Runnable a = () -> order.add("a");
    Runnable b = () -> order.add("b");
    Runnable c = () -> order.add("c");
    f.watchRouting(a);
    f.watchRouting(b);
    f.watchRouting(c);
    f.unwatchRouting(b);
    f.reset();
    assertThat(order).containsExactly("a", "c");
    order.clear();
    f.unwatchRouting(c);
    f.reset();
    assertThat(order).containsExactly("a");
  }

  @Test
  void theMessageCarriesBothAddressWordsAndResetClearsThem() {
    Fn f = fn(2);
    control(f, MsixCapability.FLAGS_ENABLE);
    program(f, 1, 0, 0x33, false);
    f.mmioWrite32(PciFunction.MSIX_BAR, 16 + MsixCapability.ENTRY_UPPER_ADDR, 1);
    f.signalMsix(1);
    // Above 4 GiB the write is memory, not the APIC window: the bus drops it as no interrupt.
    assertThat(sent).isEmpty();
    assertThat(dropped).containsExactly("1fee00000 33: not an interrupt address");
    f.reset();
    assertThat(f.entryAddress(1)).isZero();
  }

  @Test
  void resetBringsThePinBackWhenItTurnsMsixOff() {
    Fn f = fn(2);
    List<Boolean> levels = new ArrayList<>();
    f.wireIntx((x, up) -> levels.add(up));
    control(f, MsixCapability.FLAGS_ENABLE);
    f.conditionChanged(true);
    assertThat(levels).isEmpty();
    f.reset();
    assertThat(levels).containsExactly(true);
    assertThat(f.intxAsserted()).isTrue();
  }

  /**
   * The resources explore mode tells racing accesses apart by: config space in dwords with the
   * MSI capability one unit, the MSI-X table one unit per 16-byte entry and the PBA one per qword,
   * a device BAR in dwords; names as the spec calls the registers.
   */
  @Test
  void accessesNameTheirResourceUnitAndRegister() {
    Fn f = new Fn(exec, bus, 4, new MsiShape(1, true, true));
    irqlab.exec.Resource cfg = f.configResource();
    assertThat(cfg.name()).isEqualTo("0000:03:04.2 config");
    assertThat(cfg.unit(0x10)).isEqualTo(4);
    assertThat(cfg.unit(0x13)).isEqualTo(4);
    assertThat(cfg.unit(0x14)).isEqualTo(5);
    assertThat(cfg.describe(0x10)).isEqualTo("cfg[0x10]");
    assertThat(cfg.describe(FLAGS)).isEqualTo("msix.control");
    assertThat(cfg.unit(PciFunction.MSI_CAP_OFFSET + MsiCapability.ADDRESS_LO)).isEqualTo(PciFunction.MSI_CAP_OFFSET);
    assertThat(cfg.unit(PciFunction.MSI_CAP_OFFSET + MsiCapability.DATA_64)).isEqualTo(PciFunction.MSI_CAP_OFFSET);
    assertThat(cfg.describe(PciFunction.MSI_CAP_OFFSET + MsiCapability.ADDRESS_LO)).isEqualTo("msi.addr_lo");
    assertThat(new Fn(exec, bus, 0, null).configResource().describe(FLAGS)).isEqualTo("cfg[0x42]");
    irqlab.exec.Resource table = f.barResource(PciFunction.MSIX_BAR);
    assertThat(table).isSameAs(f.barResource(PciFunction.MSIX_BAR));
    assertThat(table.name()).isEqualTo("0000:03:04.2 msix");
    assertThat(table.unit(0x10)).isEqualTo(1);
    assertThat(table.unit(0x1f)).isEqualTo(1);
    assertThat(table.unit(0x3c)).isEqualTo(3);
    assertThat(table.describe(0x10)).isEqualTo("msix[1].addr_lo");
    assertThat(table.describe(0x14)).isEqualTo("msix[1].addr_hi");
    assertThat(table.describe(0x18)).isEqualTo("msix[1].data");
    assertThat(table.describe(0x3c)).isEqualTo("msix[3].ctrl");
    assertThat(table.unit(0x1000)).isEqualTo(1L << 32);
    assertThat(table.unit(0x100c)).isEqualTo((1L << 32) + 1);
    assertThat(table.describe(0x1008)).isEqualTo("pba[1]");
    irqlab.exec.Resource regs = f.barResource(PciFunction.DEVICE_BAR);
    assertThat(regs).isSameAs(f.barResource(PciFunction.DEVICE_BAR));
    assertThat(regs.name()).isEqualTo("0000:03:04.2 bar2");
    assertThat(regs.unit(0x107)).isEqualTo(0x41);
    assertThat(f.barResource(4).name()).isEqualTo("0000:03:04.2 bar4");
  }
}
