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

/** irqlab bench [delivery|explore|strategies|alloc] [--json] [--cpus N] [--vectors M] [--runs N] [--warmup TIME]. */
@Command(name = "bench",
    description = "Measure the simulator: 'delivery' (end-to-end interrupts per second on one core for a"
        + " 64-CPU machine with 64 MSI-X vectors, or --cpus N --vectors M, against a bare event loop,"
        + " and heap per interrupt), 'explore' (explored schedules per second with the default strategy,"
        + " after a 2 s warm-up, on msix-affinity-race and on a 20 ms steady-traffic race) or 'alloc' (a"
        + " million IMS interrupts of one accelerator allocated, requested and freed: seconds and heap per"
        + " interrupt) or 'strategies' (each strategy's first failing schedule and failures per 1,000 on"
        + " every racy built-in and the race set). delivery and alloc warm up for a time, then report"
        + " min/median/max of their runs.")
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

  @Option(names = "--cpus", paramLabel = "N",
      description = "delivery: CPUs of the machine, 1..1024 (above 255: x2APIC with remapping). Default: 64.")
  Integer cpus;

  @Option(names = "--vectors", paramLabel = "M",
      description = "delivery: NIC queues on managed MSI-X vectors (NICs of at most 2048), 1..1048576, at most"
          + " 201 per CPU. The traffic of all queues together stays 32M/s. Default: 64.")
  Integer vectors;

  @Option(names = "--remapping", paramLabel = "KIND",
      description = "delivery: none, intel or auto (intel above 255 CPUs). Default: auto.")
  String remapping;

  @Option(names = "--runs", paramLabel = "N", description = "delivery and alloc: measured runs (default 15 and 5).")
  Integer runs;

  @Option(names = "--warmup", paramLabel = "TIME",
      description = "delivery, alloc and explore: wall-clock warm-up before measuring, e.g. 3s (the default of delivery and alloc; explore's is 2s per scenario) or 0.")
  String warmup;

  @Option(names = "--jobs", paramLabel = "N",
      description = "explore: schedules run on N jobs at once, as explore --jobs N runs them (default 1).")
  Integer jobs;

  @Option(names = "--no-heap", description = "delivery: skip the heap probes.")
  boolean noHeap;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (!what.equals("delivery") && (cpus != null || vectors != null || remapping != null || noHeap)) {
      throw new Main.BadInput("irqlab bench: --cpus, --vectors, --remapping and --no-heap are for 'delivery'");
    }
    if (!what.equals("delivery") && !what.equals("alloc") && runs != null) {
      throw new Main.BadInput("irqlab bench: --runs is for 'delivery' and 'alloc'");
    }
    if (what.equals("strategies") && warmup != null) {
      throw new Main.BadInput("irqlab bench: --warmup is for 'delivery', 'alloc' and 'explore'");
    }
    if (jobs != null && (!what.equals("explore") || jobs < 1 || jobs > 64)) {
      throw new Main.BadInput(!what.equals("explore") ? "irqlab bench: --jobs is for 'explore'"
          : "irqlab bench: --jobs: expected 1 to 64, got " + jobs);
    }
    if (runs != null && runs < 1) {
      throw new Main.BadInput("irqlab bench: --runs: expected at least 1, got " + runs);
    }
    long warmupNs = -1;
    if (warmup != null) {
      try {
        warmupNs = irqlab.scenario.Durations.parse(warmup);
      } catch (IllegalArgumentException e) {
        throw new Main.BadInput("irqlab bench: --warmup: " + e.getMessage());
      }
    }
    switch (what) {
      case "delivery" -> {
        DeliveryBench.Options o = smoke ? DeliveryBench.Options.smoke() : DeliveryBench.Options.defaults();
        o = deliveryOptions(o, warmupNs);
        String why = o.infeasible();
        if (why != null) {
          throw new Main.BadInput("irqlab bench: " + why);
        }
        BenchResult r = DeliveryBench.runDelivery(o);
        out.print(json ? r.toJson() : r.toText());
      }
      case "explore" -> {
        double warm = warmupNs >= 0 ? warmupNs / 1e9 : ExploreBench.DEFAULT_WARMUP_SECONDS;
        int j = jobs != null ? jobs : 1;
        ExploreBench.Result r = smoke ? ExploreBench.run(0.05, 0.05, j) : ExploreBench.run(warm, 5, j);
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
        AllocBench.Options o = smoke ? AllocBench.Options.smoke() : AllocBench.Options.defaults();
        o = o.withRuns(warmupNs >= 0 ? warmupNs : o.warmupNs(), runs != null ? runs : o.runs());
        AllocBench.Result r = AllocBench.run(o);
        out.print(json ? r.toJson() : r.toText());
      }
      default -> throw new Main.BadInput("irqlab bench: unknown benchmark '" + what
          + "'; expected delivery, explore, strategies or alloc");
    }
    out.flush();
    return 0;
  }

  private DeliveryBench.Options deliveryOptions(DeliveryBench.Options o, long warmupNs) {
    if (cpus != null && (cpus < 1 || cpus > irqlab.kernel.cpu.CpuMask.MAX_CPUS)) {
      throw new Main.BadInput("irqlab bench: --cpus: expected 1 to " + irqlab.kernel.cpu.CpuMask.MAX_CPUS + ", got " + cpus);
    }
    if (vectors != null && (vectors < 1 || vectors > 1 << 20)) {
      throw new Main.BadInput("irqlab bench: --vectors: expected 1 to 1048576, got " + vectors);
    }
    if (remapping != null && !java.util.List.of("none", "intel", "auto").contains(remapping)) {
      throw new Main.BadInput("irqlab bench: --remapping: expected none, intel or auto, got " + remapping);
    }
    if (cpus != null || vectors != null) {
      o = o.withSize(cpus != null ? cpus : o.cpus(), vectors != null ? vectors : o.vectors());
    }
    if (remapping != null) {
      o = o.withRemapping(remapping);
    }
    o = o.withRuns(warmupNs >= 0 ? warmupNs : o.warmupNs(), runs != null ? runs : o.measureRuns());
    return noHeap ? o.withoutHeap() : o;
  }
}
