package irqlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** Every command takes -h/--help and prints its usage with exit 0; usage errors name a command that works. */
class HelpTest {
  /** Every command irqlab has, whatever is added later, but picocli's own help command. */
  static List<String> commands() {
    List<String> l = new CommandLine(new Main()).getSubcommands().keySet().stream()
        .filter(c -> !c.equals("help")).toList();
    assertThat(l).contains("run", "show", "explore", "replay", "scenarios", "bench");
    return l;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("commands")
  void everyCommandPrintsItsUsage(String command) {
    for (String flag : new String[] {"--help", "-h"}) {
      Cli c = Cli.run(command, flag);
      assertThat(c.rc()).as(command + " " + flag).isZero();
      assertThat(c.out()).startsWith("Usage: irqlab " + command + " ").contains("-h, --help");
      assertThat(c.err()).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("commands")
  void helpWinsOverMissingOrBadArguments(String command) {
    // explore, replay and show have required parameters; --help must not ask for them.
    Cli ok = Cli.run(command, "some-scenario", "--help");
    assertThat(ok.rc()).isZero();
    assertThat(ok.out()).startsWith("Usage: irqlab " + command);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("commands")
  void everyCommandPrintsTheVersion(String command) {
    Cli c = Cli.run(command, "--version");
    assertThat(c.rc()).isZero();
    assertThat(c.out().strip()).matches("irqlab \\d+\\.\\d+\\.\\d+");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"run --bogus", "show nic-tour interrupts --bogus", "explore", "replay nic-tour",
      "scenarios extra", "bench --bogus", "bogus", "help bogus"})
  void usageErrorsPointAtAHelpThatWorks(String line) {
    Cli c = Cli.run(line.split(" "));
    assertThat(c.rc()).isEqualTo(2);
    String err = c.err().strip();
    assertThat(err).doesNotContain("\n").startsWith("irqlab: ").endsWith(" --help')");
    String hint = err.substring(err.lastIndexOf("(see '") + 6, err.length() - 2);
    assertThat(hint).startsWith("irqlab ");
    Cli help = Cli.run(hint.substring("irqlab ".length()).split(" "));
    assertThat(help.rc()).as("'" + hint + "' works").isZero();
    assertThat(help.out()).startsWith("Usage: ");
  }

  @org.junit.jupiter.api.Test
  void aMisspelledOptionGetsASuggestion() {
    Cli c = Cli.run("run", "--jsn");
    assertThat(c.rc()).isEqualTo(2);
    assertThat(c.err()).contains("did you mean '--json'?");
  }
}
