package irqlab.cli;

import irqlab.scenario.ScenarioException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The irqlab command. */
@Command(
    name = "irqlab",
    mixinStandardHelpOptions = true,
    version = "irqlab 0.1.0",
    description = "An executable, deterministic model of the Linux x86 interrupt stack.",
    subcommands = {
      RunCommand.class,
      ShowCommand.class,
      ExploreCommand.class,
      ReplayCommand.class,
      SoakCommand.class,
      ScenariosCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  /** Exit status for bad input: a file, key, value or usage error. */
  static final int BAD_INPUT = 2;
  /** Exit status when a run violated an invariant or an expectation. */
  static final int VIOLATION = 1;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line with the given streams; returns the exit status. */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      if (ex instanceof ScenarioException || ex instanceof BadInput) {
        cmd.getErr().println(ex.getMessage());
        return BAD_INPUT;
      }
      throw ex;
    });
    cl.setParameterExceptionHandler((ex, a) -> {
      ex.getCommandLine().getErr().println("irqlab: " + ex.getMessage().replace('\n', ' ')
          + " (see 'irqlab " + ex.getCommandLine().getCommandName() + " --help')");
      return BAD_INPUT;
    });
    int rc = cl.execute(args);
    out.flush();
    err.flush();
    return rc;
  }

  /** A usage problem found after parsing (an unknown view, a bad duration). */
  static final class BadInput extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadInput(String message) {
      super(message, null, false, false);
    }
  }
}
