package irqlab.sim.explore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ScheduleIdTest {
  @Test
  void parsesAndPrints() {
    ScheduleId id = ScheduleId.parse("pct-3:42:17");
    assertThat(id).isEqualTo(new ScheduleId("pct-3", 42, 17));
    assertThat(id.toString()).isEqualTo("pct-3:42:17");
    assertThat(ScheduleId.parse("random:-5:0").runSeed()).isEqualTo(-5);
    assertThatThrownBy(() -> ScheduleId.parse("random:5")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ScheduleId.parse("random:x:1")).isInstanceOf(IllegalArgumentException.class);
    // Only the spelling explore prints: nothing is read as the id it resembles.
    for (String other : java.util.List.of("delay:01:2", "delay:1:02", "delay:+1:2", "delay:1:2:", "delay:1:2 x")) {
      assertThatThrownBy(() -> ScheduleId.parse(other)).as(other).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void seedsArePureAndDistinct() {
    ScheduleId a = new ScheduleId("random", 42, 17);
    assertThat(a.seed()).isEqualTo(ScheduleId.parse("random:42:17").seed());
    assertThat(a.seed()).isNotEqualTo(a.next().seed());
    assertThat(a.seed()).isNotEqualTo(new ScheduleId("random", 43, 17).seed());
  }

  @Test
  void strategiesRoundTripTheirNames() {
    for (String name : new String[] {"random", "pos", "delay", "pct-1-1000", "pct-3-1000", "pct-2-10", "delays",
        "delays-3.5k2j9x1.1-5.a8d0p2.2"}) {
      assertThat(Strategies.forId(new ScheduleId(name, 1, 0)).name()).isEqualTo(name);
    }
    // An id names a strategy exactly as explore printed it: no silent re-interpretation.
    assertThatThrownBy(() -> Strategies.forId(new ScheduleId("pct-3", 1, 55)))
        .hasMessageContaining("pct-3-1000, not pct-3");
    assertThatThrownBy(() -> Strategies.forId(new ScheduleId("delays-5.a8d0p2.2-3.5k2j9x1.1", 1, 0)))
        .hasMessageContaining("delays-3.5k2j9x1.1-5.a8d0p2.2");
    assertThatThrownBy(() -> Strategies.of("delays-x", 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Strategies.of("dfs", 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Strategies.of("pct-x", 1)).isInstanceOf(IllegalArgumentException.class);
  }
}
