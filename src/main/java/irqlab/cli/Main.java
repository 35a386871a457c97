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
      PlanCommand.class,
      ImportCommand.class,
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
    // -h/--help on every command, printing its usage with exit 0 (picocli skips the checks of
    // required parameters when a usage-help option is present).
    for (CommandLine sub : cl.getSubcommands().values()) {
      if (sub.getCommandSpec().optionsMap().get("--help") == null) {
        sub.getCommandSpec().mixinStandardHelpOptions(true);
      }
      sub.getCommandSpec().version(cl.getCommandSpec().version());
    }
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionStrategy(parsed -> {
      checkSeeds(parsed);
      return new CommandLine.RunLast().execute(parsed);
    });
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      if (ex instanceof ScenarioException || ex instanceof BadInput) {
        cmd.getErr().println(ex.getMessage());
        return BAD_INPUT;
      }
      return failed(cmd.getCommandSpec().qualifiedName(), ex, cmd.getErr());
    });
    cl.setParameterExceptionHandler((ex, a) -> {
      // The qualified name ("irqlab run"), so that the hint names a command that exists.
      String hint = "";
      if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
        hint = "; did you mean '" + u.getSuggestions().get(0) + "'?";
      }
      ex.getCommandLine().getErr().println("irqlab: " + oneLine(ex.getMessage()) + hint
          + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
      return BAD_INPUT;
    });
    int rc;
    try {
      rc = cl.execute(args);
    } catch (Error e) {
      // Out of memory or stack, or an Error from the model: still one line, not a stack trace.
      rc = failed("irqlab", e, err);
    }
    out.flush();
    err.flush();
    return rc;
  }

  /**
   * What an exception the model or irqlab itself threw becomes: one line (the model's own failures,
   * such as a deadlock, say what happened; anything else is a bug in irqlab) and exit status 1.
   * IRQLAB_DEBUG=1 adds the stack trace.
   */
  static int failed(String command, Throwable t, PrintWriter err) {
    String what = t.getMessage() == null ? "" : ": " + oneLine(t.getMessage());
    if (t instanceof irqlab.exec.ExecException) {
      err.println(command + ": the model failed" + what);
    } else {
      StackTraceElement[] st = t.getStackTrace();
      err.println(command + ": internal error (a bug in irqlab; please report it with the scenario): "
          + t.getClass().getName() + what + (st.length > 0 ? " at " + st[0] : ""));
    }
    if (System.getenv("IRQLAB_DEBUG") != null) {
      t.printStackTrace(err);
    }
    err.flush();
    return VIOLATION;
  }

  /**
   * Seeds are non-negative in every command, as the scenario's {@code seed} key: --seed of run,
   * show and explore, and the seed part of a replayed schedule id (strategy:seed:index).
   */
  private static void checkSeeds(CommandLine.ParseResult top) {
    CommandLine.ParseResult p = top;
    while (p.hasSubcommand()) {
      p = p.subcommand();
    }
    Long seed = p.matchedOptionValue("--seed", null);
    if (seed != null && seed < 0) {
      throw new CommandLine.ParameterException(p.commandSpec().commandLine(),
          "--seed: expected a non-negative number, got " + seed);
    }
    String schedule = p.matchedOptionValue("--schedule", null);
    String[] parts = schedule == null ? new String[0] : schedule.split(":", -1);
    if (parts.length == 3 && parts[1].startsWith("-")) {
      throw new CommandLine.ParameterException(p.commandSpec().commandLine(),
          "--schedule: the seed in strategy:seed:index must be a non-negative number, got " + parts[1]);
    }
  }

  /** Picocli's messages may span lines (suggestions); bad input is always one line. */
  private static String oneLine(String s) {
    return s == null ? "bad usage" : ScenarioException.singleLine(s.strip().replaceAll("\\s*\\n\\s*", " "));
  }

  /** A usage problem found after parsing (an unknown view, a bad duration). */
  static final class BadInput extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadInput(String message) {
      super(ScenarioException.singleLine(message), null, false, false);
    }
  }
}
