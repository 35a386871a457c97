package irqlab.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The small value languages of scenario files: durations, rates, interrupt names, bounds. */
class ValuesTest {

  @Test
  void durations() {
    assertThat(Durations.parse("0")).isZero();
    assertThat(Durations.parse("0ms")).isZero();
    assertThat(Durations.parse("7ns")).isEqualTo(7);
    assertThat(Durations.parse("10us")).isEqualTo(10_000);
    assertThat(Durations.parse("2.5ms")).isEqualTo(2_500_000);
    assertThat(Durations.parse("1.000000001s")).isEqualTo(1_000_000_001);
    assertThat(Durations.parse("9223372036854775807ns")).isEqualTo(Long.MAX_VALUE);
    assertThatThrownBy(() -> Durations.parse("9223372036854775808ns"))
        .hasMessageContaining("too long");
    assertThatThrownBy(() -> Durations.parse("0.5ns")).hasMessageContaining("whole number");
    assertThatThrownBy(() -> Durations.parse("5")).hasMessageContaining("units ns, us, ms, s");
    assertThatThrownBy(() -> Durations.parse("-1ms")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Durations.parse("2 ms")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void durationsFormatShortest() {
    assertThat(Durations.format(2_500_000)).isEqualTo("2.5ms");
    assertThat(Durations.format(3_000_000_000L)).isEqualTo("3s");
    assertThat(Durations.format(1_500)).isEqualTo("1.5us");
    assertThat(Durations.format(7)).isEqualTo("7ns");
    assertThat(Durations.format(0)).isEqualTo("0ns");
  }

  @Test
  void rates() {
    assertThat(Rates.parse("100k/s")).isEqualTo(100_000.0);
    assertThat(Rates.parse("2M/s")).isEqualTo(2_000_000.0);
    assertThat(Rates.parse("0.5/s")).isEqualTo(0.5);
    assertThat(Rates.parse("1000M/s")).isEqualTo(1e9);
    assertThatThrownBy(() -> Rates.parse("1001M/s")).hasMessageContaining("maximum");
    assertThatThrownBy(() -> Rates.parse("0/s")).hasMessageContaining("above 0");
    assertThatThrownBy(() -> Rates.parse("100")).hasMessageContaining("like 500/s");
    assertThatThrownBy(() -> Rates.parse("5G/s")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void irqNamesRoundTrip() {
    IrqName n = IrqName.parse("acc0/ims/4095");

    assertThat(n).isEqualTo(new IrqName("acc0", "ims", 4095));
    assertThat(n.toString()).isEqualTo("acc0/ims/4095");
    assertThatThrownBy(() -> IrqName.parse("acc0/ims")).hasMessageContaining("<device>/");
    assertThatThrownBy(() -> IrqName.parse("acc0/irq/1"))
        .hasMessageContaining("unknown interrupt kind");
    assertThatThrownBy(() -> IrqName.parse("acc0/msi/-1")).hasMessageContaining("vector index");
    assertThatThrownBy(() -> IrqName.parse("acc0/msi/99999999999"))
        .hasMessageContaining("vector index");
  }

  @Test
  void comparisons() {
    assertThat(new Comparison(">=", 10).test(10)).isTrue();
    assertThat(new Comparison(">", 10).test(10)).isFalse();
    assertThat(new Comparison("<", 10).test(9)).isTrue();
    assertThat(new Comparison("<=", 10).test(11)).isFalse();
    assertThat(new Comparison("==", 0).test(0)).isTrue();
    assertThat(new Comparison(">=", 1000)).hasToString(">= 1000");
    assertThatThrownBy(() -> new Comparison("=>", 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void pciAddresses() {
    assertThat(PciAddress.parse("0000:3A:1f.7")).isEqualTo("0000:3a:1f.7");
    assertThat(PciAddress.nextFree(Set.of())).isEqualTo("0000:00:03.0");
    assertThat(PciAddress.nextFree(Set.of("0000:00:03.0", "0000:00:04.0")))
        .isEqualTo("0000:00:05.0");
    assertThatThrownBy(() -> PciAddress.parse("0000:00:03.8"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
