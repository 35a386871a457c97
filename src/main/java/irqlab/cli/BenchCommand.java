package irqlab.cli;

import irqlab.bench.AllocBench;
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

/** irqlab bench [delivery|explore|alloc] [--json]. */
@Command(name = "bench",
    description = "Measure the simulator: 'delivery' (end-to-end interrupts per second on one core for a"
        + " 64-CPU machine with 64 MSI-X vectors, against a bare event loop, and heap per interrupt),"
        + " 'explore' (explored schedules per second with the default strategy, after a 2 s warm-up, on"
        + " msix-affinity-race and on a 20 ms steady-traffic race) or 'alloc' (a million IMS interrupts of one"
        + " accelerator allocated, requested and freed: seconds and heap per interrupt) or 'strategies' (each"
        + " strategy's first failing schedule and failures per 1,000 on every racy built-in and the race set).")
final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", defaultValue = "delivery", paramLabel = "WHAT",
      description = "delivery, explore, strategies or alloc. Default: ${DEFAULT-VALUE}.")
  String what;

  @Option(names = "--json", description = "Print the figures as JSON.")
  boolean json;

  @Option(names = "--schedules", paramLabel = "N", description = "strategies: schedules per cell (default 1000).")
  Integer schedules;

  @Option(names = "--correct", description = "strategies: explore the correct designs instead (every failure is a false alarm).")
  boolean correct;

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
        ExploreBench.Result r = smoke ? ExploreBench.run(0.05, 0.05) : ExploreBench.run(2, 5);
        out.print(json ? r.toJson() : r.toText());
      }
      case "strategies" -> {
        int n = schedules != null ? schedules : smoke ? 3 : 1000;
        out.println(irqlab.bench.StrategyTable.header());
        out.flush();
        irqlab.bench.StrategyTable.run(n, correct, c -> {
          out.println(irqlab.bench.StrategyTable.row(c));
          out.flush();
        });
      }
      case "alloc" -> {
        AllocBench.Result r = AllocBench.run(smoke ? AllocBench.Options.smoke() : AllocBench.Options.defaults());
        out.print(json ? r.toJson() : r.toText());
      }
      default -> throw new Main.BadInput("irqlab bench: unknown benchmark '" + what
          + "'; expected delivery, explore, strategies or alloc");
    }
    out.flush();
    return 0;
  }
}
