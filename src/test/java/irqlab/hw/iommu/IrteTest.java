package irqlab.hw.iommu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class IrteTest {
  /** A remapped entry with random field values (reserved fields clear). */
  private static Irte random(SplittableRandom r) {
    return new Irte(r.nextBoolean(), r.nextBoolean(), r.nextBoolean(), r.nextBoolean(), r.nextBoolean(),
        r.nextInt(8), r.nextInt(16), r.nextBoolean(), r.nextInt(256), r.nextInt(), r.nextInt(0x10000),
        r.nextInt(4), r.nextInt(4));
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 42, 4711})
  void encodeDecodeRoundTrip(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < 1000; i++) {
      Irte e = random(r);
      assertThat(Irte.decode(e.low(), e.high())).isEqualTo(e);
      Irte d = Irte.decode(e.low(), e.high());
      assertThat(d.low()).isEqualTo(e.low());
      assertThat(d.high()).isEqualTo(e.high());
    }
  }

  /** q35-ir-4cpu/irqdbg/boot/intel_ir_translation_struct, entry 34 (e1000e at 00:03.0, parked) and 0. */
  @Test
  void decodesTheReferenceEntries() {
    Irte parked = Irte.decode(0x0000000000ef0009L, 0x0000000000040018L);
    assertThat(parked.present()).isTrue();
    assertThat(parked.redirHint()).isTrue();
    assertThat(parked.destModeLogical()).isFalse();
    assertThat(parked.deliveryMode()).isEqualTo(Irte.DLM_FIXED);
    assertThat(parked.vector()).isEqualTo(0xef);
    assertThat(parked.destId()).isZero();
    assertThat(parked.sid()).isEqualTo(0x18);
    assertThat(parked.svt()).isEqualTo(Irte.SVT_VERIFY_SID_SQ);
    assertThat(parked.sq()).isEqualTo(Irte.SQ_ALL_16);
    Irte ioapic = Irte.decode(0x0000030000230009L, 0x000000000004ff00L);
    assertThat(ioapic.xapicDestination()).isEqualTo(3);
    assertThat(ioapic.destId()).isEqualTo(0x300);
    assertThat(ioapic.vector()).isEqualTo(0x23);
    assertThat(ioapic.sid()).isEqualTo(0xff00);
  }

  @Test
  void remappedIsWhatLinuxWritesForAnMsi() {
    Irte e = Irte.remapped(0x21, 2, Irte.SVT_VERIFY_SID_SQ, Irte.SQ_ALL_16, 0x18);
    // q35-ir-4cpu boot_linkup entry 21: "00:02.0 00000100 21 ... 0000010000210009" has the same low
    // layout; here APIC id 2 and SID 00:03.0.
    assertThat(e.low()).isEqualTo(0x0000020000210009L);
    assertThat(e.high()).isEqualTo(0x0000000000040018L);
    assertThat(Irte.reservedBitsSet(e.low(), e.high(), false)).isFalse();
  }

  @Test
  void sourceQualifierMasksIgnoreFunctionBits() {
    int sid = 0x18; // 00:03.0
    Irte all = Irte.remapped(0x20, 0, Irte.SVT_VERIFY_SID_SQ, Irte.SQ_ALL_16, sid);
    assertThat(all.verifies(0x18)).isTrue();
    assertThat(all.verifies(0x19)).isFalse();
    assertThat(all.verifies(0x20)).isFalse();
    Irte ignore1 = Irte.remapped(0x20, 0, Irte.SVT_VERIFY_SID_SQ, Irte.SQ_13_IGNORE_1, sid);
    assertThat(ignore1.verifies(0x1c)).isTrue(); // 00:03.4: bit 2 ignored
    assertThat(ignore1.verifies(0x19)).isFalse(); // bit 0 still compared
    Irte ignore2 = Irte.remapped(0x20, 0, Irte.SVT_VERIFY_SID_SQ, Irte.SQ_13_IGNORE_2, sid);
    assertThat(ignore2.verifies(0x1e)).isTrue(); // bits 2:1 ignored
    assertThat(ignore2.verifies(0x19)).isFalse();
    Irte ignore3 = Irte.remapped(0x20, 0, Irte.SVT_VERIFY_SID_SQ, Irte.SQ_13_IGNORE_3, sid);
    assertThat(ignore3.verifies(0x1f)).isTrue(); // any function of device 3
    assertThat(ignore3.verifies(0x20)).isFalse(); // device 4
    assertThat(ignore3.verifies(0x118)).isFalse(); // bus 1
  }

  @Test
  void busRangeChecksOnlyTheBusNumber() {
    // set_irte_verify_bus(start 3, end 5): StartBus in SID 15:8, EndBus in 7:0.
    Irte e = Irte.remapped(0x20, 0, Irte.SVT_VERIFY_BUS, Irte.SQ_ALL_16, 0x0305);
    assertThat(e.verifies(0x0300)).isTrue();
    assertThat(e.verifies(0x04ff)).isTrue();
    assertThat(e.verifies(0x0508)).isTrue();
    assertThat(e.verifies(0x0200)).isFalse();
    assertThat(e.verifies(0x0600)).isFalse();
  }

  @Test
  void noVerificationAcceptsAnyone() {
    Irte e = Irte.remapped(0x20, 0, Irte.SVT_NO_VERIFY, Irte.SQ_ALL_16, 0x18);
    assertThat(e.verifies(0xffff)).isTrue();
    assertThat(e.verifies(0)).isTrue();
  }

  @Test
  void reservedFieldsAreDetected() {
    long low = Irte.remapped(0x20, 1, 1, 0, 0x18).low();
    long high = Irte.remapped(0x20, 1, 1, 0, 0x18).high();
    assertThat(Irte.reservedBitsSet(low | (1L << 12), high, false)).isTrue();
    assertThat(Irte.reservedBitsSet(low | (1L << 24), high, false)).isTrue();
    assertThat(Irte.reservedBitsSet(low | (1L << 15), high, false)).as("posted format").isTrue();
    assertThat(Irte.reservedBitsSet(low | (1L << 32), high, false)).as("xAPIC DST 39:32").isTrue();
    assertThat(Irte.reservedBitsSet(low | (1L << 32), high, true)).as("x2APIC uses all of DST").isFalse();
    assertThat(Irte.reservedBitsSet(low | (1L << 48), high, false)).as("xAPIC DST 63:48").isTrue();
    assertThat(Irte.reservedBitsSet(low, high | (1L << 20), false)).isTrue();
    assertThat(Irte.reservedBitsSet(low, high | (3L << 18), false)).as("SVT 3 is reserved").isTrue();
  }

  @Test
  void remappableAddressCarriesTheHandle() {
    for (int handle : new int[] {0, 1, 19, 0x7fff, 0x8000, 0xffff}) {
      int addr = RemappableFormat.addressLo(handle, true);
      long a = addr & 0xffffffffL;
      assertThat(a >>> 20).isEqualTo(0xfee);
      assertThat(RemappableFormat.isRemappable(a)).isTrue();
      assertThat(RemappableFormat.subhandleValid(a)).isTrue();
      assertThat(RemappableFormat.handle(a)).isEqualTo(handle);
    }
    assertThat(RemappableFormat.addressLo(2, true) & 0xffffffffL).isEqualTo(0xfee00058L);
    assertThat(RemappableFormat.isRemappable(0xfee01000L)).isFalse();
  }
}
