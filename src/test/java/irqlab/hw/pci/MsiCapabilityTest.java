package irqlab.hw.pci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import irqlab.hw.MessageObserver;
import irqlab.hw.PlatformBus;
import irqlab.hw.cpu.Cpu;
import irqlab.sim.run.RunRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The MSI capability as the device sees it: register layout (against the q35 AHCI's config space
 * in the reference dump), the capability list next to MSI-X, read-only fields, the vector number
 * in the low data bits of a multi-message block, per-vector mask and pending bits, and a message
 * read from the registers at the moment of signalling.
 */
class MsiCapabilityTest {
  private static final Path AHCI_CONFIG =
      Path.of("/work/shared/reference/linux-6.12/q35-noir-4cpu/irqdbg/boot/pci/0000:00:1f.2");

  /** A message that reached an APIC: address and the raw data word. */
  record Msg(long address, int data) {}

  private final RunRuntime exec = new RunRuntime(1);
  private final List<Cpu> cpus = List.of(new Cpu(0, 0), new Cpu(1, 1));
  private final PlatformBus bus = new PlatformBus(exec, cpus);
  private final List<Msg> sent = new ArrayList<>();

  MsiCapabilityTest() {
    bus.addObserver(new MessageObserver() {
      @Override
      public void delivered(int requesterId, long address, int data, int cpu, int vector) {
        sent.add(new Msg(address, data));
      }
    });
  }

  private PciFunction fn(int msixTable, MsiShape msi) {
    return new PciFunction(exec, bus, Bdf.parse("0000:00:05.0"), 0x8086, 0x2922, msixTable, msi);
  }

  private static final int CAP = PciFunction.MSI_CAP_OFFSET;

  /** Programs address, data and the enabled block size as the kernel does, then enables MSI. */
  private static void program(PciFunction f, int addressLo, int data, int log2Block) {
    int ctl = f.configRead16(CAP + MsiCapability.FLAGS);
    f.configWrite16(CAP + MsiCapability.FLAGS, (ctl & ~MsiCapability.FLAGS_QSIZE) | (log2Block << 4));
    f.configWrite32(CAP + MsiCapability.ADDRESS_LO, addressLo);
    MsiShape s = f.msi().shape();
    if (s.address64()) {
      f.configWrite32(CAP + MsiCapability.ADDRESS_HI, 0);
    }
    f.configWrite16(CAP + (s.address64() ? MsiCapability.DATA_64 : MsiCapability.DATA_32), data);
    f.configWrite16(CAP + MsiCapability.FLAGS, f.configRead16(CAP + MsiCapability.FLAGS) | MsiCapability.FLAGS_ENABLE);
  }

  @Test
  void sixtyFourBitCapabilityMatchesTheReferenceAhciBytes() throws IOException {
    assumeTrue(Files.isRegularFile(AHCI_CONFIG), "reference dumps not on this machine");
    // The AHCI's capability at 0x80: id 05, next a8, control 0x0081, address 0xfee02000, data 0x20.
    byte[] ref = configBytes(Files.readAllLines(AHCI_CONFIG), 0x80, 14);
    PciFunction f = fn(0, MsiShape.legacy());
    assertThat(f.configRead16(CAP + MsiCapability.FLAGS)).as("out of reset").isEqualTo(0x0080);
    program(f, 0xfee02000, 0x0020, 0);
    for (int i = 0; i < ref.length; i++) {
      if (i == 1) {
        continue; // the next pointer: the AHCI has its SATA capability at 0xa8, ours ends the list
      }
      assertThat(f.peekConfig16(CAP + i) & 0xff).as("byte %d of the capability", i).isEqualTo(ref[i] & 0xff);
    }
    assertThat(f.msi().address()).isEqualTo(0xfee02000L);
    assertThat(f.msi().data()).isEqualTo(0x20);
  }

  private static byte[] configBytes(List<String> lines, int from, int n) {
    byte[] all = new byte[256];
    for (String l : lines) {
      if (l.matches("^[0-9a-f]{6} .*")) {
        int base = Integer.parseInt(l.substring(0, 6), 16);
        String[] hex = l.substring(7).trim().split(" ");
        for (int i = 0; i < hex.length && base + i < all.length; i++) {
          all[base + i] = (byte) Integer.parseInt(hex[i], 16);
        }
      }
    }
    byte[] out = new byte[n];
    System.arraycopy(all, from, out, 0, n);
    return out;
  }

  @Test
  void capabilityListChainsMsiAfterMsix() {
    PciFunction both = fn(4, new MsiShape(4, true, true));
    assertThat(both.configRead8(ConfigSpace.CAPABILITY_LIST)).isEqualTo(PciFunction.MSIX_CAP_OFFSET);
    assertThat(both.configRead8(PciFunction.MSIX_CAP_OFFSET + 1)).isEqualTo(CAP);
    assertThat(both.configRead8(CAP)).isEqualTo(MsiCapability.CAP_ID);
    assertThat(both.configRead8(CAP + 1)).isZero();
    PciFunction only = fn(0, MsiShape.legacy());
    assertThat(only.configRead16(ConfigSpace.STATUS) & ConfigSpace.STATUS_CAP_LIST).isNotZero();
    assertThat(only.configRead8(ConfigSpace.CAPABILITY_LIST)).isEqualTo(CAP);
    assertThat(fn(4, null).configRead8(PciFunction.MSIX_CAP_OFFSET + 1)).isZero();
  }

  @Test
  void messageControlAdvertisesTheShapeAndKeepsItsReadOnlyBits() {
    PciFunction f = fn(0, new MsiShape(8, true, false));
    // MMC 3 (8 messages) in bits 1-3, per-vector masking, no 64-bit.
    assertThat(f.configRead16(CAP + MsiCapability.FLAGS)).isEqualTo(0x0106);
    f.configWrite16(CAP + MsiCapability.FLAGS, 0xffff);
    assertThat(f.configRead16(CAP + MsiCapability.FLAGS)).as("only enable and MME are writable").isEqualTo(0x0177);
    f.configWrite16(CAP, 0x1234);
    assertThat(f.configRead16(CAP)).as("id and next pointer").isEqualTo(MsiCapability.CAP_ID);
    // 32-bit layout: data at 8, mask at 12, pending at 16 (read-only).
    f.configWrite16(CAP + MsiCapability.DATA_32, 0x41);
    f.configWrite32(CAP + MsiCapability.MASK_32, 0x5);
    f.configWrite32(CAP + MsiCapability.PENDING_32, 0xff);
    assertThat(f.msi().data()).isEqualTo(0x41);
    assertThat(f.msi().maskBits()).isEqualTo(0x5);
    assertThat(f.msi().pendingBits()).isZero();
    assertThat(new MsiShape(1, false, false).length()).isEqualTo(10);
    assertThat(new MsiShape(32, true, true).length()).isEqualTo(24);
  }

  @Test
  void vectorIOfABlockIsTheLowBitsOfTheData() {
    PciFunction f = fn(0, new MsiShape(8, false, true));
    program(f, 0xfee01000, 0x4060, 2); // 4 of the 8 messages enabled
    assertThat(f.msi().enabledVectors()).isEqualTo(4);
    f.signal(3);
    f.signal(0);
    f.signal(5); // the function folds vectors it was not given onto its block
    assertThat(sent).extracting(Msg::data).containsExactly(0x4063, 0x4060, 0x4061);
    assertThat(sent).extracting(Msg::address).containsOnly(0xfee01000L);
    sent.clear();
    // The function replaces the low bits rather than adding to them.
    f.configWrite16(CAP + MsiCapability.DATA_64, 0x4041);
    f.signal(2);
    assertThat(sent).extracting(Msg::data).containsExactly(0x4042);
  }

  @Test
  void maskedVectorLatchesItsPendingBitAndIsSentOnUnmask() {
    PciFunction f = fn(0, new MsiShape(4, true, true));
    program(f, 0xfee00000, 0x50, 2);
    f.configWrite32(CAP + MsiCapability.MASK_64, 0b0010);
    assertThat(f.signal(1)).isTrue();
    assertThat(sent).isEmpty();
    assertThat(f.msi().pendingBits()).isEqualTo(0b0010);
    assertThat(f.messagePending(1)).isTrue();
    assertThat(f.messagesHeldPending()).isEqualTo(1);
    f.signal(2); // unmasked vectors still go out
    assertThat(sent).extracting(Msg::data).containsExactly(0x52);
    f.configWrite32(CAP + MsiCapability.MASK_64, 0);
    assertThat(sent).extracting(Msg::data).containsExactly(0x52, 0x51);
    assertThat(f.msi().pendingBits()).isZero();
    assertThat(f.messagePending(1)).isFalse();
  }

  @Test
  void withoutPerVectorMaskingNothingHoldsAMessageBack() {
    PciFunction f = fn(0, MsiShape.legacy());
    program(f, 0xfee00000, 0x30, 0);
    f.configWrite32(CAP + MsiCapability.MASK_64, 0xffffffff); // no such register here: the data word's neighbour
    assertThat(f.msi().maskBits()).isZero();
    f.signal(0);
    assertThat(sent).extracting(Msg::data).containsExactly(0x30);
    assertThat(f.messagePending(0)).isFalse();
  }

  @Test
  void disabledMsiSignalsNothing() {
    PciFunction f = fn(0, MsiShape.legacy());
    assertThat(f.signal(0)).isFalse();
    assertThat(sent).isEmpty();
    assertThat(f.msiEnabled()).isFalse();
  }

  @Test
  void theDeviceSendsWhatTheRegistersHoldWhenItSignals() {
    PciFunction f = fn(0, MsiShape.legacy());
    program(f, 0xfee00000, 0x21, 0); // CPU 0, vector 0x21
    f.configWrite32(CAP + MsiCapability.ADDRESS_LO, 0xfee01000); // address now CPU 1, data still old
    f.signal(0);
    f.configWrite16(CAP + MsiCapability.DATA_64, 0x20);
    f.signal(0);
    assertThat(sent).containsExactly(new Msg(0xfee01000L, 0x21), new Msg(0xfee01000L, 0x20));
  }

  @Test
  void resetDisablesAndClearsTheCapability() {
    PciFunction f = fn(0, new MsiShape(2, true, true));
    program(f, 0xfee00000, 0x40, 1);
    f.configWrite32(CAP + MsiCapability.MASK_64, 1);
    f.signal(0);
    f.reset();
    assertThat(f.msiEnabled()).isFalse();
    assertThat(f.msi().pendingBits()).isZero();
    assertThat(f.msi().maskBits()).isZero();
    assertThat(f.configRead16(CAP + MsiCapability.FLAGS)).isEqualTo(0x0182);
  }
}
