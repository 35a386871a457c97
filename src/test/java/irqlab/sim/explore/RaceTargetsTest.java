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
  /** {@code n} rare writes, the k-th with k % 4 + 1 places around it. */
  private static List<List<DelaySchedule.Delay>> groups(int n) {
    List<List<DelaySchedule.Delay>> l = new ArrayList<>();
    int site = 1000;
    for (int i = 0; i < n; i++) {
      List<DelaySchedule.Delay> g = new ArrayList<>();
      for (int j = 0; j <= i % 4; j++) {
        g.add(new DelaySchedule.Delay(1 + i % 3, site++, 1 + j));
      }
      l.add(g);
    }
    return l;
  }

  private static List<DelaySchedule.Delay> aimedOf(RaceTargets t) {
    List<DelaySchedule.Delay> l = new ArrayList<>();
    for (int k = 0; t.aimed(2 * k + 1) != null; k++) {
      assertThat(t.aimed(2 * k)).as("even schedules are random-delay ones").isNull();
      l.add(t.aimed(2 * k + 1));
    }
    return l;
  }

  @Test
  void everyPlaceIsAimedAtOnceUntilTheWriteAndOnceHeldPastIt() {
    List<List<DelaySchedule.Delay>> g = groups(20); // 5 x (1 + 2 + 3 + 4) = 50 places
    RaceTargets t = RaceTargets.of(g, 7);
    assertThat(t.candidates()).isEqualTo(50);
    List<DelaySchedule.Delay> aimed = aimedOf(t);
    assertThat(aimed).hasSize(100).doesNotHaveDuplicates();
    Set<DelaySchedule.Delay> want = new HashSet<>();
    g.forEach(x -> x.forEach(d -> {
      want.add(d);
      want.add(d.held());
    }));
    assertThat(new HashSet<>(aimed)).isEqualTo(want);
  }

  @Test
  void everyWritesClosestPlaceComesBeforeAnyWritesSecond() {
    List<List<DelaySchedule.Delay>> g = groups(20);
    List<DelaySchedule.Delay> aimed = aimedOf(RaceTargets.of(g, 7));
    Set<DelaySchedule.Delay> firsts = new HashSet<>();
    g.forEach(x -> firsts.add(x.get(0)));
    // 20 writes: their first places, each until and held, are the first 40 schedules aimed.
    assertThat(aimed.subList(0, 40)).allSatisfy(d -> assertThat(firsts).contains(
        new DelaySchedule.Delay(d.actor(), d.site(), d.occurrence())));
    assertThat(aimed.get(0).held()).isEqualTo(aimed.get(1));
    // A place next to two writes is aimed at once.
    List<List<DelaySchedule.Delay>> twice = List.of(List.of(g.get(0).get(0)), List.of(g.get(0).get(0)));
    assertThat(aimedOf(RaceTargets.of(twice, 7))).hasSize(2);
  }

  @Test
  void theOrderIsTheSeedsAndOnlyTheSeeds() {
    List<List<DelaySchedule.Delay>> g = groups(20);
    assertThat(aimedOf(RaceTargets.of(g, 7))).isEqualTo(aimedOf(RaceTargets.of(g, 7)))
        .isNotEqualTo(aimedOf(RaceTargets.of(g, 8)));
  }

  @Test
  void anAimedScheduleRunsTheBaselinesModelAndIsNamedAsTheDefaultStrategy() {
    RaceTargets t = RaceTargets.of(groups(4), 5);
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
    List<List<DelaySchedule.Delay>> p = rec.rareCandidates(100_000, RaceTargets.RARE);
    // One rare write (x at 500 us): itself first (the read at 510 us follows it), then the reads
    // at 500 us back to 400 us (11: the lag is inclusive), the closest first; y is written 100
    // times, not rare.
    assertThat(p).singleElement().satisfies(g -> {
      assertThat(g.get(0).actor()).isEqualTo(2);
      assertThat(g.subList(1, g.size())).extracting(DelaySchedule.Delay::occurrence)
          .containsExactly(51, 50, 49, 48, 47, 46, 45, 44, 43, 42, 41);
      assertThat(g.subList(1, g.size())).allSatisfy(d -> assertThat(d.actor()).isEqualTo(1));
    });
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
