package irqlab.cli;

import irqlab.scenario.BuiltinScenarios;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** irqlab scenarios: lists the built-in scenarios, or prints one's YAML. */
@Command(name = "scenarios", description = "List the built-in scenarios.")
final class ScenariosCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--print", paramLabel = "NAME", description = "Print the YAML of a built-in scenario.")
  String print;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (print != null) {
      if (!BuiltinScenarios.exists(print)) {
        throw new Main.BadInput("irqlab scenarios: --print: no built-in scenario '" + print + "'; expected one of: "
            + String.join(", ", BuiltinScenarios.names()));
      }
      out.print(BuiltinScenarios.text(print));
      return 0;
    }
    int w = 0;
    for (String n : BuiltinScenarios.names()) {
      w = Math.max(w, n.length());
    }
    for (String n : BuiltinScenarios.names()) {
      String mark = n.equals(ScenarioSource.DEFAULT) ? " (default)" : "";
      out.printf("%-" + w + "s  %s%s%n", n, firstSentence(BuiltinScenarios.describe(n)), mark);
    }
    return 0;
  }

  private static String firstSentence(String d) {
    if (d == null) {
      return "";
    }
    String s = d.replace('\n', ' ').trim();
    int dot = s.indexOf(". ");
    return dot < 0 ? s : s.substring(0, dot + 1);
  }
}
