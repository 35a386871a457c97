package irqlab.cli;

import irqlab.bench.BenchResult;
import irqlab.bench.DeliveryBench;
import irqlab.bench.ExploreBench;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** irqlab bench [delivery|explore] [--json]. */
@Command(name = "bench",
    description = "Measure the simulator: 'delivery' (end-to-end interrupts per second on one core for a"
        + " 64-CPU machine with 64 MSI-X vectors, against a bare event loop, and heap per interrupt) or"
        + " 'explore' (explored schedules per second).")
final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", defaultValue = "delivery", paramLabel = "WHAT",
      description = "delivery or explore. Default: ${DEFAULT-VALUE}.")
  String what;

  @Option(names = "--json", description = "Print the figures as JSON.")
  boolean json;

  @Option(names = "--smoke", description = "A tiny, fast configuration (checks that the bench runs, measures nothing useful).")
  boolean smoke;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    switch (what) {
      case "delivery" -> {
        BenchResult r = DeliveryBench.runDelivery(smoke ? DeliveryBench.Options.smoke() : DeliveryBench.Options.defaults());
        out.print(json ? r.toJson() : r.toText());
      }
      case "explore" -> {
        ExploreBench.Result r = ExploreBench.run("msix-affinity-race", smoke ? 20 : 2000);
        out.print(json ? r.toJson() : r.toText());
      }
      case "alloc" -> throw new Main.BadInput(
          "irqlab bench alloc: the IMS allocation benchmark is not in this build; expected delivery or explore");
      default -> throw new Main.BadInput("irqlab bench: unknown benchmark '" + what + "'; expected delivery or explore");
    }
    out.flush();
    return 0;
  }
}
