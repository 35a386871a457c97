package irqlab.sim;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.report.RunReport;
import irqlab.scenario.ScenarioParser;
import org.junit.jupiter.api.Test;

/** Traffic that finds its queue not running is counted and said, not silently lost. */
class IdleArrivalsTest {
  private static RunResult run(String timeline) {
    String yaml = """
        name: idle
        machine: { cpus: 2, chipset: q35 }
        devices:
          - { id: net0, type: virtio-net, msix: { table: 3 } }
          - { id: nvme0, type: nvme, queues: 2 }
        drivers: [ { device: net0 }, { device: nvme0 } ]
        timeline:
          - { at: 0ms, traffic: { device: net0, queues: all, rate: 100k/s, for: 10ms } }
          - { at: 0ms, traffic: { device: nvme0, queues: all, rate: 100k/s, for: 10ms } }
        """ + timeline;
    return Simulation.run(ScenarioParser.parse("idle.yaml", yaml), 1);
  }

  private static RunResult.DeviceStat device(RunResult r, String id) {
    return r.devices().stream().filter(d -> d.id().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void anInterfaceNeverBroughtUpCompletesNothingAndTheReportSaysHowMuchArrived() {
    RunResult r = run("");
    RunResult.DeviceStat net = device(r, "net0");
    assertThat(net.completed()).isZero();
    // About 100k/s for 10 ms on one queue pair.
    assertThat(net.idleArrivals()).isBetween(900L, 1100L);
    assertThat(device(r, "nvme0").idleArrivals()).isZero();
    assertThat(RunReport.text(r)).contains("\n  idle arrivals: net0 " + net.idleArrivals() + "\n");
    assertThat(RunReport.json(r)).contains("\"idle_arrivals\": " + net.idleArrivals());
  }

  @Test
  void upHalfwayTheArrivalsSplitBetweenIdleAndCompleted() {
    RunResult up = run("  - { at: 0ms, link-up: { device: net0 } }\n");
    RunResult half = run("  - { at: 5ms, link-up: { device: net0 } }\n");
    assertThat(device(up, "net0").idleArrivals()).isZero();
    assertThat(RunReport.text(up)).doesNotContain("idle arrivals");
    RunResult.DeviceStat h = device(half, "net0");
    assertThat(h.idleArrivals()).isBetween(400L, 600L);
    assertThat(h.completed()).isPositive();
  }

  @Test
  void anNvmeQueueWhoseOnlyCpuIsOfflineTakesNoSubmissions() {
    RunResult r = run("  - { at: 0ms, link-up: { device: net0 } }\n  - { at: 2ms, cpu-offline: 1 }\n"
        + "  - { at: 7ms, cpu-online: 1 }\n");
    // blk_mq_hctx_notify_offline: queue 2's context has CPU 1 only; 5 ms at 100k/s.
    assertThat(device(r, "nvme0").idleArrivals()).isBetween(400L, 600L);
    assertThat(device(r, "nvme0").completed()).isPositive();
  }
}
