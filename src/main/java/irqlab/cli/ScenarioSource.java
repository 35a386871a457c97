package irqlab.cli;

import irqlab.scenario.BuiltinScenarios;
import irqlab.scenario.Loc;
import irqlab.scenario.Scenario;
import irqlab.scenario.ScenarioException;
import irqlab.scenario.ScenarioParser;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** Resolves a scenario argument: a built-in name, else a file path; none means the default. */
final class ScenarioSource {
  /** The built-in scenario run when none is named. */
  static final String DEFAULT = "nic-tour";

  private ScenarioSource() {}

  static Scenario load(String arg) {
    String name = arg == null ? DEFAULT : arg;
    if (BuiltinScenarios.exists(name)) {
      return BuiltinScenarios.load(name);
    }
    Path p;
    try {
      p = Path.of(name);
    } catch (InvalidPathException e) {
      throw new ScenarioException(new Loc(name, 1, 1), "scenario",
          "not a file name (" + e.getReason() + ") and no built-in scenario; see 'irqlab scenarios'");
    }
    if (!Files.exists(p)) {
      throw new ScenarioException(new Loc(name, 1, 1), "scenario",
          "no such file and no built-in scenario of that name; see 'irqlab scenarios'");
    }
    return ScenarioParser.parse(p);
  }
}
