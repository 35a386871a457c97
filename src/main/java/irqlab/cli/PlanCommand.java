package irqlab.cli;

import irqlab.report.CapacityPlan;
import irqlab.report.RunReport;
import irqlab.scenario.DeviceSpec;
import irqlab.scenario.DriverSpec;
import irqlab.scenario.MachineSpec;
import irqlab.scenario.Scenario;
import irqlab.scenario.ScenarioException;
import irqlab.scenario.ScenarioParser;
import irqlab.sim.Machine;
import irqlab.sim.Simulation;
import irqlab.sim.run.BudgetExceeded;
import irqlab.sim.run.RunBudget;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** irqlab plan SCENARIO [--at TIME|MARK] [--add "TYPE key: value, ..."]...: vector capacity answers. */
@Command(name = "plan",
    description = "Answer the operator's questions about a machine: vectors per CPU, which CPUs can go offline"
        + " now (with lapic_can_unplug_cpu's numbers) and what adding devices or queues would do.")
final class PlanCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SCENARIO", description = "A built-in name or a scenario file.")
  String scenario;

  @Option(names = "--at", paramLabel = "TIME", description = "Plan from the state after the timeline up to TIME or a mark"
      + " (default: the end of the run).")
  String at;

  @Option(names = "--seed", paramLabel = "N", description = "Override the scenario's seed.")
  Long seed;

  @Option(names = "--add", paramLabel = "DEVICE",
      description = "Add a device, probed at boot in the built-in probe order, and show the change: a type and its"
          + " keys as in a devices entry, with the driver's params and vectors (e.g. \"nvme queues: 64\","
          + " \"virtio-net queues: 8, msix: { table: 18 }\", \"nvme params: { poll_queues: 2 }\"). Repeatable.")
  List<String> add = new ArrayList<>();

  @Mixin BudgetOptions budget;

  @Override
  public Integer call() {
    Scenario s = ScenarioSource.load(scenario);
    long sd = seed != null ? seed : s.seed();
    long t = ShowCommand.atTime(s, at, "irqlab plan");
    Scenario grown = s;
    List<String> added = new ArrayList<>();
    for (String a : add) {
      grown = withDevice(grown, a, added);
    }
    RunBudget b = budget.budget("irqlab plan");
    PrintWriter out = spec.commandLine().getOut();
    Machine before = run(s, sd, t, b);
    if (before == null) {
      return Main.VIOLATION;
    }
    String when = at == null ? "at the end of its run" : "at " + at;
    StringBuilder sb = new StringBuilder("# ").append(RunReport.kernelLine(before.kernel().profile().name(),
        List.copyOf(before.kernel().variants().enabled()))).append('\n');
    sb.append("Machine: ").append(s.name()).append(", ").append(before.kernel().nrCpus()).append(" CPUs, ")
        .append(when).append("\n\n").append(CapacityPlan.render(before, null));
    if (!added.isEmpty()) {
      Machine after;
      try {
        after = run(grown, sd, t, b);
      } catch (ScenarioException e) {
        before.close();
        throw new Main.BadInput("irqlab plan: " + addOf(e.keyPath(), s) + e.problem());
      }
      if (after == null) {
        before.close();
        return Main.VIOLATION;
      }
      sb.append("\nWith ").append(String.join(" and ", add.stream().map(x -> "--add \"" + x + "\"").toList()))
          .append(" (probed at boot in the built-in probe order; irq numbers of later probes shift):\n");
      for (String id : added) {
        sb.append(deviceLine(after, grown, id));
      }
      sb.append('\n').append(CapacityPlan.render(after, before));
      after.close();
    }
    before.close();
    out.print(sb);
    out.flush();
    return 0;
  }

  private Machine run(Scenario s, long sd, long t, RunBudget b) {
    try {
      return Simulation.runUntil(s, sd, t, b);
    } catch (BudgetExceeded e) {
      spec.commandLine().getErr().println(BudgetOptions.stoppedLine("irqlab plan", "the run of " + s.name()
          + " reached its " + BudgetOptions.limitName(e) + " budget", BudgetOptions.limitName(e)));
      return null;
    }
  }

  /** "--add \"TEXT\": key: " for a refusal of an added device's key (devices[N] past the scenario's own). */
  private String addOf(String keyPath, Scenario s) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(devices|drivers)\\[(\\d+)\\]\\.?(.*)$").matcher(keyPath);
    if (m.matches()) {
      int i = Integer.parseInt(m.group(2)) - (m.group(1).equals("devices") ? s.devices().size() : s.drivers().size());
      if (i >= 0 && i < add.size()) {
        return "--add \"" + add.get(i) + "\": " + (m.group(3).isEmpty() ? "" : m.group(3) + ": ");
      }
    }
    return "--add: " + keyPath + ": ";
  }

  /** What the added device got: its probe's outcome and its interrupts. */
  private static String deviceLine(Machine m, Scenario s, String id) {
    DeviceSpec d = s.devices().stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
    StringBuilder sb = new StringBuilder("  ").append(id).append(" (").append(d.type()).append(" at ")
        .append(d.bdf()).append("): ");
    String outcome = "not probed";
    for (Machine.Probe p : m.probes()) {
      if (p.device().equals(id)) {
        outcome = p.errno() == null ? "probed" : "probe failed: " + p.errno() + " (" + p.strerror() + ")";
      }
    }
    TreeSet<Integer> irqs = new TreeSet<>();
    for (Map.Entry<String, Integer> e : m.interruptNames().entrySet()) {
      if (e.getKey().startsWith(id + "/")) {
        irqs.add(e.getValue());
      }
    }
    int requested = 0;
    for (int irq : irqs) {
      var desc = m.kernel().descs().get(irq);
      if (desc != null && desc.action() != null) {
        requested++;
      }
    }
    sb.append(outcome).append("; ").append(irqs.size()).append(" interrupts allocated, ").append(requested)
        .append(" requested").append(irqs.isEmpty() ? "" : " (irqs " + ranges(irqs) + ")").append('\n');
    return sb.toString();
  }

  private static String ranges(TreeSet<Integer> irqs) {
    StringBuilder sb = new StringBuilder();
    Integer start = null;
    Integer prev = null;
    for (int i : irqs) {
      if (prev != null && i == prev + 1) {
        prev = i;
        continue;
      }
      if (start != null) {
        sb.append(sb.length() > 0 ? "," : "").append(start.equals(prev) ? start : start + "-" + prev);
      }
      start = i;
      prev = i;
    }
    sb.append(sb.length() > 0 ? "," : "").append(start.equals(prev) ? start : start + "-" + prev);
    return sb.toString();
  }

  /**
   * {@code s} with the device {@code text} describes ("TYPE key: value, ..."), at the first free slot,
   * bound to its driver; the keys are checked as a scenario file's would be.
   */
  static Scenario withDevice(Scenario s, String text, List<String> added) {
    String t = text.strip();
    int sp = t.indexOf(' ');
    String type = sp < 0 ? t : t.substring(0, sp);
    String rest = sp < 0 ? "" : t.substring(sp + 1).strip();
    if (!DeviceSpec.TYPES.contains(type)) {
      throw new Main.BadInput("irqlab plan: --add \"" + text + "\": expected a device type first (one of "
          + String.join(", ", DeviceSpec.TYPES) + "), got '" + type + "'");
    }
    String id = "add" + added.size();
    String bdf = freeBdf(s);
    List<String> deviceKeys = new ArrayList<>();
    List<String> driverKeys = new ArrayList<>();
    for (String kv : splitTopLevel(rest)) {
      String key = kv.contains(":") ? kv.substring(0, kv.indexOf(':')).strip() : kv.strip();
      (key.equals("params") || key.equals("vectors") ? driverKeys : deviceKeys).add(kv.strip());
    }
    MachineSpec mc = s.machine();
    String yaml = "name: add\nmachine: { cpus: " + mc.cpus() + ", remapping: " + mc.remapping()
        + (mc.chipset() == null ? "" : ", chipset: " + mc.chipset()) + " }\n"
        + "devices:\n  - { id: " + id + ", bdf: \"" + bdf + "\", type: " + type
        + (deviceKeys.isEmpty() ? "" : ", " + String.join(", ", deviceKeys)) + " }\n"
        + "drivers:\n  - { device: " + id + (driverKeys.isEmpty() ? "" : ", " + String.join(", ", driverKeys)) + " }\n";
    Scenario one;
    try {
      one = ScenarioParser.parse("--add", yaml);
    } catch (ScenarioException e) {
      String key = e.keyPath().replaceFirst("^devices\\[0\\]\\.?", "").replaceFirst("^drivers\\[0\\]\\.?", "");
      throw new Main.BadInput("irqlab plan: --add \"" + text + "\": " + (key.isEmpty() ? "" : key + ": ")
          + e.problem());
    }
    List<DeviceSpec> devices = new ArrayList<>(s.devices());
    devices.add(one.devices().get(0));
    List<DriverSpec> drivers = new ArrayList<>(s.drivers());
    drivers.add(one.drivers().get(0));
    added.add(id);
    return new Scenario(s.name(), s.description(), s.seed(), s.machine(), devices, drivers, s.timeline(), s.expect(),
        s.source(), s.locations());
  }

  /** The lowest slot of bus 0 no device uses (slot 0 is the host bridge, 0x1f the chipset's). */
  private static String freeBdf(Scenario s) {
    TreeSet<String> used = new TreeSet<>();
    for (DeviceSpec d : s.devices()) {
      used.add(d.bdf().substring(0, d.bdf().lastIndexOf('.')));
    }
    for (int slot = 1; slot < 0x1f; slot++) {
      String p = String.format("0000:00:%02x", slot);
      if (!used.contains(p)) {
        return p + ".0";
      }
    }
    throw new Main.BadInput("irqlab plan: --add: no free slot on bus 0");
  }

  /** "a: 1, b: { c: 2, d: 3 }" into its top-level "key: value" parts. */
  private static List<String> splitTopLevel(String s) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        depth--;
      } else if (c == ',' && depth == 0) {
        parts.add(s.substring(start, i));
        start = i + 1;
      }
    }
    if (!s.substring(start).isBlank()) {
      parts.add(s.substring(start));
    }
    return parts;
  }
}
