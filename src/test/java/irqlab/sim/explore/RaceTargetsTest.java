package irqlab.sim.explore;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.exec.Access;
import irqlab.exec.Actor;
import irqlab.exec.Event;
import irqlab.exec.Exec;
import irqlab.exec.Resource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RaceTargetsTest {
  private static List<DelaySchedule.Delay> places(int n) {
    List<DelaySchedule.Delay> l = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      l.add(new DelaySchedule.Delay(1 + i % 3, 1000 + i, 1 + i));
    }
    return l;
  }

  @Test
  void everyPlaceIsAimedAtOnceUntilTheWriteAndOnceHeldPastIt() {
    List<DelaySchedule.Delay> c = places(40);
    RaceTargets t = RaceTargets.of(c, 7);
    assertThat(t.candidates()).isEqualTo(40);
    Set<DelaySchedule.Delay> seen = new HashSet<>();
    for (int k = 0; k < 80; k++) {
      assertThat(t.aimed(2 * k)).as("even schedules are random-delay ones").isNull();
      DelaySchedule.Delay d = t.aimed(2 * k + 1);
      assertThat(seen.add(d)).as("aimed twice: %s", d).isTrue();
    }
    Set<DelaySchedule.Delay> want = new HashSet<>(c);
    c.forEach(d -> want.add(d.held()));
    assertThat(seen).isEqualTo(want);
    assertThat(t.aimed(161)).as("past the last place: random delays again").isNull();
  }

  @Test
  void theOrderIsTheSeedsAndOnlyTheSeeds() {
    List<DelaySchedule.Delay> c = places(40);
    List<DelaySchedule.Delay> a = new ArrayList<>();
    List<DelaySchedule.Delay> b = new ArrayList<>();
    List<DelaySchedule.Delay> other = new ArrayList<>();
    for (int k = 0; k < 80; k++) {
      a.add(RaceTargets.of(c, 7).aimed(2 * k + 1));
      b.add(RaceTargets.of(c, 7).aimed(2 * k + 1));
      other.add(RaceTargets.of(c, 8).aimed(2 * k + 1));
    }
    assertThat(a).isEqualTo(b).isNotEqualTo(other);
    assertThat(a.subList(0, 2)).as("shuffled, not in the order found").isNotEqualTo(List.of(c.get(0), c.get(0).held()));
  }

  @Test
  void anAimedScheduleRunsTheBaselinesModelAndIsNamedAsTheDefaultStrategy() {
    RaceTargets t = RaceTargets.of(places(4), 5);
    Strategy aimed = Strategies.forId(new ScheduleId("delay", 5, 3), t);
    assertThat(aimed).isInstanceOf(RaceTargets.Aimed.class);
    assertThat(aimed.name()).isEqualTo("delay");
    assertThat(aimed.modelSeed(123)).isEqualTo(RaceTargets.baseline(5).seed());
    assertThat(((RaceTargets.Aimed) aimed).delay()).isEqualTo(t.aimed(3));
    // Even indexes, other seeds, other strategies and no targets: the schedule's own.
    assertThat(Strategies.forId(new ScheduleId("delay", 5, 2), t)).isInstanceOf(DelayStrategy.class);
    assertThat(Strategies.forId(new ScheduleId("delay", 6, 3), t)).isInstanceOf(DelayStrategy.class);
    assertThat(Strategies.forId(new ScheduleId("random", 5, 3), t)).isInstanceOf(RandomStrategy.class);
    assertThat(Strategies.forId(new ScheduleId("delay", 5, 3))).isInstanceOf(DelayStrategy.class);
    assertThat(Strategies.forId(new ScheduleId("delay", 5, 3)).modelSeed(123)).isEqualTo(123);
  }

  /**
   * A reader polls x and y every 10 us; a writer writes x once at 500 us, another writes y every
   * 10 us. Only the reads within the lag before the rare write, and the rare write itself
   * (the reader comes after it), are places; y's writer is not rare.
   */
  @Test
  void placesAreTheStepsAroundRareWritesOnly() {
    SiteRecorder rec = new SiteRecorder();
    Strategy watch = rec.watching(new DelaySchedule(List.of()));
    List<Long> readTimes = new ArrayList<>();
    try (ExploreRuntime rt = new ExploreRuntime(1, watch)) {
      Resource x = new Resource("x");
      Resource y = new Resource("y");
      Actor reader = rt.newActor("reader", Actor.Kind.TASK, -1);
      Actor writer = rt.newActor("writer", Actor.Kind.TASK, -1);
      Actor busy = rt.newActor("busy", Actor.Kind.TASK, -1);
      poll(rt, reader, x, Access.READ, 0, 10_000, 100, readTimes);
      poll(rt, reader, y, Access.READ, 1_000, 10_000, 100, new ArrayList<>());
      poll(rt, busy, y, Access.WRITE, 5_000, 10_000, 100, new ArrayList<>());
      poll(rt, writer, x, Access.WRITE, 500_000, 1, 1, new ArrayList<>());
      rt.runToQuiescence();
    }
    assertThat(readTimes).hasSize(100).endsWith(990_000L);
    List<DelaySchedule.Delay> p = rec.rareCandidates(100_000, RaceTargets.RARE);
    // Reads at 400..500 us (11 of them: the lag is inclusive) and the write at 500 us.
    assertThat(p).hasSize(12);
    assertThat(p.stream().filter(d -> d.actor() == 2)).as("the write itself").hasSize(1);
    assertThat(p.stream().filter(d -> d.actor() == 1).map(DelaySchedule.Delay::occurrence))
        .containsExactly(41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51);
    assertThat(p.stream().filter(d -> d.actor() == 3)).as("y is written 100 times: not rare").isEmpty();
  }

  private static void poll(Exec exec, Actor a, Resource r, Access acc, long start, long gap, int n, List<Long> times) {
    for (int i = 0; i < n; i++) {
      exec.schedule(Event.of(a, () -> {
        times.add(exec.now());
        exec.point("touch", r, 0, acc);
      }), start + i * gap);
    }
  }
}
