package irqlab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.scenario.BuiltinScenarios;
import irqlab.scenario.Scenario;
import irqlab.sim.Exploration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The default strategy finds every known race quickly, in the built-ins and in the user-style race
 * set (steady traffic for 20-30 ms, the racy action in the middle), and the correct designs stay
 * clean: the promise behind the README's strategy table, checked at seed 1.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RaceSetTest {
  static java.util.List<String> raceNames() {
    return RaceScenarios.NAMES;
  }

  static java.util.List<String> racyBuiltins() {
    return StrategyTable.RACY_BUILTINS;
  }

  static java.util.List<String> correctBuiltins() {
    return StrategyTable.CORRECT_BUILTINS.stream().distinct().toList();
  }

  private static Exploration.Report explore(Scenario s, int schedules) {
    return Exploration.explore(s, Exploration.Options.of(irqlab.sim.explore.Strategies.DEFAULT, 1, schedules).keep(1), i -> {});
  }

  @ParameterizedTest
  @MethodSource("raceNames")
  void theDefaultStrategyFindsEachUserStyleRaceWithin50Schedules(String name) {
    Exploration.Report r = explore(RaceScenarios.load(name), 50);
    assertThat(r.failed()).as(name).isPositive();
    assertThat(r.kinds().keySet()).as(name).doesNotContain(Exploration.MODEL_ERROR);
  }

  @ParameterizedTest
  @MethodSource("raceNames")
  void theirCorrectDesignsStayClean(String name) {
    Exploration.Report r = explore(RaceScenarios.loadCorrect(name), 30);
    assertThat(r.failed()).as(name + ": " + r.failures()).isZero();
  }

  static java.util.List<String> remappedNames() {
    return RaceScenarios.REMAPPED;
  }

  /** With interrupt remapping a move rewrites the remapping entry only: nothing to tear, on 6.12 as shipped. */
  @ParameterizedTest
  @MethodSource("remappedNames")
  void underRemappingTheyStayClean(String name) {
    Scenario s = RaceScenarios.loadRemapped(name);
    assertThat(s.machine().variants()).isEmpty();
    Exploration.Report r = explore(s, 30);
    assertThat(r.failed()).as(name + ": " + r.failures()).isZero();
  }

  @ParameterizedTest
  @MethodSource("racyBuiltins")
  void theDefaultStrategyFindsEachRacyBuiltinWithin50Schedules(String name) {
    Exploration.Report r = explore(BuiltinScenarios.load(name), 50);
    assertThat(r.failed()).as(name).isPositive();
    assertThat(r.kinds().keySet()).as(name).doesNotContain(Exploration.MODEL_ERROR);
  }

  @ParameterizedTest
  @MethodSource("correctBuiltins")
  void theCorrectBuiltinsStayClean(String name) {
    Exploration.Report r = explore(BuiltinScenarios.load(name), 100);
    assertThat(r.failed()).as(name + ": " + r.failures()).isZero();
  }
}
