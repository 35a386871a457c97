package irqlab.sim;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.report.RunReport;
import irqlab.scenario.BuiltinScenarios;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The hotplug, storm and KUnit built-ins meet their expectations and print the same bytes twice. */
class HotplugScenariosTest {
  @ParameterizedTest
  @ValueSource(strings = {"cpu-offline", "cpu-offline-enospc", "cpu-offline-leak", "storm",
      "kunit-disable-depth", "kunit-free-disabled", "kunit-shutdown-depth", "kunit-cpuhotplug"})
  void meetsItsExpectationsOnSeveralSeedsAndIsDeterministic(String name) {
    assertThat(BuiltinScenarios.names()).contains(name);
    assertThat(BuiltinScenarios.describe(name)).isNotBlank();
    for (long seed = 1; seed <= 3; seed++) {
      RunResult r = Simulation.run(BuiltinScenarios.load(name), seed);
      assertThat(r.failedExpectations()).as("%s seed %d: %s", name, seed, r.violations()).isEmpty();
    }
    String a = RunReport.json(Simulation.run(BuiltinScenarios.load(name), 5));
    String b = RunReport.json(Simulation.run(BuiltinScenarios.load(name), 5));
    assertThat(a).isEqualTo(b);
    assertThat(RunReport.text(Simulation.run(BuiltinScenarios.load(name), 5)))
        .isEqualTo(RunReport.text(Simulation.run(BuiltinScenarios.load(name), 5)));
  }
}
