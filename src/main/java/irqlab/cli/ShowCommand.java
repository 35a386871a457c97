package irqlab.cli;

import irqlab.report.DomainsDot;
import irqlab.report.DomainsView;
import irqlab.report.TermLayout;
import irqlab.report.IrqDebugView;
import irqlab.report.ProcInterrupts;
import irqlab.report.RemappingView;
import irqlab.report.RunReport;
import irqlab.report.VectorsView;
import irqlab.report.VmdView;
import irqlab.scenario.Durations;
import irqlab.scenario.Scenario;
import irqlab.sim.Machine;
import irqlab.sim.Simulation;
import irqlab.sim.run.BudgetExceeded;
import irqlab.sim.run.RunBudget;
import irqlab.sim.run.RunRuntime;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** irqlab show [SCENARIO] [--at TIME] interrupts|domains|vectors|remapping|vmd|irq NAME. */
@Command(name = "show",
    description = "Show the kernel's interrupt state as Linux shows it: /proc/interrupts, the irq"
        + " domains, the vector matrix, the interrupt remapping table, the VMDs' vectors and children,"
        + " or one interrupt's debugfs file.")
final class ShowCommand implements Callable<Integer> {
  static final List<String> VIEWS = List.of("interrupts", "domains", "vectors", "remapping", "vmd", "irq");

  @Spec CommandSpec spec;

  @Parameters(arity = "1..3", paramLabel = "[SCENARIO] VIEW [NAME]",
      description = "VIEW is interrupts, domains, vectors, remapping, vmd or irq NAME (e.g. nic0/msix/3 or an irq number).")
  List<String> words;

  @Option(names = "--at", paramLabel = "TIME", description = "Show the state after the timeline up to TIME (e.g. 2.5ms) or up to a mark of the timeline.")
  String at;

  @Option(names = "--seed", paramLabel = "N", description = "Override the scenario's seed.")
  Long seed;

  @Option(names = "--dot", description = "domains and irq NAME: print Graphviz DOT of the hierarchy instead.")
  boolean dot;

  @Option(names = "--cpus", paramLabel = "LIST", description = "interrupts: the CPU columns, as a cpulist (e.g. 0-7).")
  String cpus;

  @Option(names = "--width", paramLabel = "N",
      description = "interrupts: fit N columns (0: no limit; default: $COLUMNS, else no limit); wider tables"
          + " become a per-irq summary with the busiest CPUs.")
  Integer width;

  @Mixin BudgetOptions budget;

  @Override
  public Integer call() {
    String scenarioArg = null;
    int i = 0;
    if (!VIEWS.contains(words.get(0))) {
      scenarioArg = words.get(0);
      i = 1;
    }
    if (i >= words.size() || !VIEWS.contains(words.get(i))) {
      throw new Main.BadInput("irqlab show: expected a view (interrupts, domains, vectors, remapping, vmd or irq NAME), got "
          + (i >= words.size() ? "nothing" : "'" + words.get(i) + "'"));
    }
    String view = words.get(i);
    String name = i + 1 < words.size() ? words.get(i + 1) : null;
    if (view.equals("irq") == (name == null) || (!view.equals("irq") && i + 1 < words.size())) {
      throw new Main.BadInput(view.equals("irq")
          ? "irqlab show irq: expected an interrupt name such as nic0/msix/0 or an irq number"
          : "irqlab show " + view + ": unexpected argument '" + words.get(i + 1) + "'");
    }
    if (dot && !view.equals("domains") && !view.equals("irq")) {
      throw new Main.BadInput("irqlab show " + view + ": --dot: only domains and irq NAME have a DOT form");
    }
    if ((cpus != null || width != null) && !view.equals("interrupts")) {
      throw new Main.BadInput("irqlab show " + view + ": --cpus and --width apply to the interrupts view only");
    }
    TermLayout layout = view.equals("interrupts") ? Layouts.of("irqlab show", cpus, width) : TermLayout.DEFAULT;
    Scenario s = ScenarioSource.load(scenarioArg);
    long sd = seed != null ? seed : s.seed();
    long t = atTime(s, at, "irqlab show");
    RunBudget b = budget.budget("irqlab show");
    Machine m = Simulation.build(s, sd);
    RunRuntime rt = (RunRuntime) m.exec();
    rt.setBudget(b);
    String stopped = null;
    try (RunProgress progress = RunProgress.onTerminal("show " + s.name())) {
      if (progress != null) {
        progress.timelineEnds(Math.min(Math.min(t, m.endOfTimeline()), b.maxTimeNs()));
      }
      rt.setProgress(progress);
      rt.runUntil(t);
    } catch (BudgetExceeded e) {
      // The view shows the state where the run stopped; the line on stderr says so.
      stopped = BudgetOptions.stoppedLine("irqlab show", (e.limit() == BudgetExceeded.Limit.EVENTS
          ? "the event budget of " + e.max() + " ran out at t=" + Durations.format(rt.now()) + " ("
              + e.eventsRun() + " events, " + e.interruptsTaken() + " interrupts taken)"
          : "the next event is due at t=" + Durations.format(e.nextNs()) + ", past the time budget of "
              + Durations.format(e.max())) + "; the view shows the state at t=" + Durations.format(rt.now()),
          BudgetOptions.limitName(e));
    }
    String text;
    try {
      text = switch (view) {
        case "interrupts" -> ProcInterrupts.render(m, layout);
        case "domains" -> dot ? DomainsDot.render(m) : DomainsView.render(m);
        case "vectors" -> VectorsView.render(m);
        case "remapping" -> RemappingView.render(m);
        case "vmd" -> VmdView.render(m);
        default -> dot ? DomainsDot.renderIrq(m, name) : IrqDebugView.render(m, name);
      };
    } catch (IllegalArgumentException e) {
      throw new Main.BadInput("irqlab show irq: " + e.getMessage());
    }
    // Which kernel the view stands for, as a comment line above the Linux-shaped view (DOT's own
    // comment form for --dot).
    spec.commandLine().getOut().print((dot ? "// " : "# ") + RunReport.kernelLine(m.kernel().profile().name(),
        List.copyOf(m.kernel().variants().enabled())) + "\n" + text);
    spec.commandLine().getOut().flush();
    if (stopped != null) {
      spec.commandLine().getErr().println(stopped);
      return Main.VIOLATION;
    }
    return 0;
  }

  /** The virtual time {@code --at} names: a mark of the scenario or a duration; no --at: the end. */
  static long atTime(Scenario s, String at, String command) {
    if (at == null) {
      return Long.MAX_VALUE;
    }
    java.util.Optional<Long> mark = s.markTime(at);
    if (mark.isPresent()) {
      return mark.get();
    }
    try {
      return Durations.parse(at);
    } catch (IllegalArgumentException e) {
      throw new Main.BadInput(command + ": --at: " + e.getMessage()
          + (s.marks().isEmpty() ? "" : "; or one of the scenario's marks: " + String.join(", ", s.marks())));
    }
  }
}
