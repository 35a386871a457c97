package irqlab.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the command line in-process and captures what it printed. */
record Cli(int rc, String out, String err) {
  static Cli run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int rc = Main.execute(args, new PrintWriter(out), new PrintWriter(err));
    return new Cli(rc, out.toString(), err.toString());
  }
}
