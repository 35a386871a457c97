package irqlab.sim;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.scenario.ScenarioParser;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded random machines under traffic with random affinity writes, disables and enables, short
 * storms and CPUs going offline and online: the default kernel never loses an interrupt, never
 * delivers one to a CPU without a handler and keeps its vector accounting exact.
 */
class HotplugPropertyTest {
  static LongStream seeds() {
    return LongStream.rangeClosed(1, 40);
  }

  /** A random scenario for {@code seed}; the same seed always gives the same text. */
  static String scenario(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int cpus = 2 + rnd.nextInt(7);
    int q0 = 1 + rnd.nextInt(cpus);
    int q1 = 1 + rnd.nextInt(4);
    int q2 = 1 + rnd.nextInt(3);
    StringBuilder y = new StringBuilder();
    y.append("name: hotplug-property\n");
    y.append("machine: { cpus: ").append(cpus).append(" }\n");
    y.append("devices:\n");
    y.append("  - { id: nic0, type: nic, msix: { table: ").append(q0).append(" }, queues: ").append(q0).append(" }\n");
    y.append("  - { id: nic1, type: nic, msix: { table: ").append(q1).append(" }, queues: ").append(q1).append(" }\n");
    y.append("  - { id: nic2, type: nic, msix: { table: ").append(q2).append(" }, queues: ").append(q2).append(" }\n");
    y.append("drivers:\n");
    y.append("  - { device: nic0, vectors: { min: 1, max: ").append(q0).append(", kind: msix, affinity: managed } }\n");
    y.append("  - { device: nic1, vectors: { min: 1, max: ").append(q1).append(", kind: msix, affinity: none } }\n");
    y.append("  - { device: nic2, vectors: { min: 1, max: ").append(q2).append(", kind: msix, affinity: ")
        .append(cpuList(rnd, cpus)).append(" } }\n");
    y.append("timeline:\n");
    for (String dev : List.of("nic0", "nic1", "nic2")) {
      y.append("  - at: 0us\n    traffic: { device: ").append(dev).append(", queues: all, rate: 20k/s, for: 20ms }\n");
    }
    int[] queues = {q0, q1, q2};
    Set<String> disabled = new LinkedHashSet<>();
    for (int t = 1000; t <= 18_000; t += 250 + rnd.nextInt(500)) {
      String at = "  - at: " + t + "us\n    ";
      int op = rnd.nextInt(10);
      int dev = rnd.nextInt(3);
      String irq = "nic" + dev + "/msix/" + rnd.nextInt(queues[dev]);
      if (op < 3) {
        y.append(at).append("cpu-offline: ").append(1 + rnd.nextInt(cpus - 1)).append('\n');
      } else if (op < 5) {
        y.append(at).append("cpu-online: ").append(1 + rnd.nextInt(cpus - 1)).append('\n');
      } else if (op < 7) {
        // On a managed vector the write fails with EPERM, as on a real machine.
        y.append(at).append("set-affinity: { irq: ").append(irq).append(", cpus: ").append(cpuList(rnd, cpus))
            .append(" }\n");
      } else if (op < 8 && !disabled.contains(irq)) {
        disabled.add(irq);
        y.append(at).append("disable-irq: { irq: ").append(irq).append(" }\n");
      } else if (op < 9 && !disabled.isEmpty()) {
        String back = new ArrayList<>(disabled).get(rnd.nextInt(disabled.size()));
        disabled.remove(back);
        y.append(at).append("enable-irq: { irq: ").append(back).append(" }\n");
      } else if (rnd.nextBoolean()) {
        y.append(at).append("storm: { device: nic").append(dev).append(", queue: ").append(rnd.nextInt(queues[dev]))
            .append(", rate: 200k/s, for: 200us }\n");
      } else {
        // A move, one interrupt that carries it out on the old CPU, and at once a CPU going away:
        // the CVE-2024-31076 window when that CPU is the old one.
        int q = dev == 0 ? 0 : rnd.nextInt(queues[dev]);
        String moved = "nic" + dev + "/msix/" + q;
        y.append(at).append("set-affinity: { irq: ").append(moved).append(", cpus: ").append(cpuList(rnd, cpus))
            .append(" }\n");
        y.append("  - at: ").append(t + 1).append("us\n    storm: { device: nic").append(dev).append(", queue: ")
            .append(q).append(", rate: 1k/s, for: 1ms }\n");
        y.append("  - at: ").append(t + 2).append("us\n    cpu-offline: ").append(1 + rnd.nextInt(cpus - 1)).append('\n');
        t += 2;
      }
    }
    if (rnd.nextBoolean()) {
      for (int c = 1; c < cpus; c++) {
        y.append("  - at: 19ms\n    cpu-online: ").append(c).append('\n');
      }
    }
    return y.toString();
  }

  private static String cpuList(SplittableRandom rnd, int cpus) {
    List<String> l = new ArrayList<>();
    for (int c = 0; c < cpus; c++) {
      if (rnd.nextInt(3) == 0) {
        l.add(Integer.toString(c));
      }
    }
    if (l.isEmpty()) {
      l.add(Integer.toString(rnd.nextInt(cpus)));
    }
    return "[" + String.join(", ", l) + "]";
  }

  /** The same machines with the CVE-2024-31076 variant: the oracle must catch the leak on some. */
  @org.junit.jupiter.api.Test
  void theSameMachinesCatchTheLeakVariant() {
    int caught = 0;
    for (long seed : seeds().toArray()) {
      String yaml = scenario(seed).replaceFirst("machine: \\{ cpus: (\\d+) \\}",
          "machine: { cpus: $1, kernel: { variants: [leak-vector-on-offline] } }");
      RunResult r = Simulation.run(ScenarioParser.parse("leak-" + seed + ".yaml", yaml), seed);
      assertThat(r.violations()).extracting(Violation::kind).allMatch(Violation.VECTOR_ACCOUNTING::equals);
      caught += r.violations().isEmpty() ? 0 : 1;
    }
    assertThat(caught).isPositive();
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void theDefaultKernelLosesNothingAndKeepsItsAccountsOverRandomHotplug(long seed) {
    String yaml = scenario(seed);
    RunResult r = Simulation.run(ScenarioParser.parse("hotplug-" + seed + ".yaml", yaml), seed);
    assertThat(r.violations()).as("%s%n%s", yaml, r.actions()).isEmpty();
    assertThat(r.failedExpectations()).isEmpty();
    assertThat(r.actions()).anyMatch(a -> a.contains("/online <- 0: OK"));
  }
}
