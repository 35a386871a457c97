package irqlab.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the command line in-process and captures what it printed. */
record Cli(int rc, String out, String err) {
  /** A scenario that runs fine but expects far more interrupts than it gets: exit status 1. */
  static final String GREEDY = """
      name: greedy
      machine: { cpus: 2 }
      devices: [ { id: nic0, type: nic, msix: { table: 2 }, queues: 2 } ]
      drivers: [ { device: nic0, vectors: { min: 1, max: 2, kind: msix } } ]
      timeline:
        - { at: 0ms, traffic: { device: nic0, rate: 1k/s, for: 1ms } }
      expect:
        delivered: { nic0: ">= 999999" }
      """;

  static Cli run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int rc = Main.execute(args, new PrintWriter(out), new PrintWriter(err));
    return new Cli(rc, out.toString(), err.toString());
  }
}
