package irqlab.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.exec.Event;
import irqlab.exec.Exec;
import irqlab.scenario.ScenarioParser;
import irqlab.sim.Machine;
import irqlab.sim.Simulation;
import irqlab.sim.run.RunRuntime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** struct timer_list as drivers use it: expiry in jiffies, round_jiffies, the CPU it runs on, the horizon. */
class KernelTimerTest {
  private static final String MACHINE = """
      name: timers
      machine: { cpus: 4 }
      timeline:
        - { at: 2s, cpu-offline: 2 }
        - { at: 6s, mark: end }
      """;

  /** {cpu, jiffy} of each expiry of a timer armed on {@code cpu} at 1 ms for {@code jiffies} later. */
  private static List<long[]> expiries(int cpu, long jiffies, boolean round) {
    Machine m = Simulation.build(ScenarioParser.parse("t.yaml", MACHINE), 1);
    Kernel k = m.kernel();
    List<long[]> seen = new ArrayList<>();
    KernelTimer[] t = new KernelTimer[1];
    t[0] = new KernelTimer(k, () -> seen.add(new long[] {k.smpProcessorId(), KernelTimer.jiffies(k)}));
    Exec ex = m.exec();
    ex.schedule(Event.of(k.cpuActor(cpu), () -> {
      long j = KernelTimer.jiffies(k) + jiffies;
      t[0].modTimer(round ? KernelTimer.roundJiffies(k, j) : j);
    }), 1_000_000);
    ((RunRuntime) ex).runUntil(Long.MAX_VALUE);
    m.close();
    return seen;
  }

  @Test
  void aTimerRunsOnTheCpuItWasArmedOnAtItsJiffy() {
    List<long[]> e = expiries(1, 250, false);
    assertThat(e).hasSize(1);
    assertThat(e.get(0)).containsExactly(1, 250); // armed at jiffy 0 (1 ms at HZ=250)
  }

  /** __round_jiffies: skewed by 3 jiffies per CPU, rounded to the second, the skew taken off again. */
  @Test
  void roundJiffiesRoundsToTheSecondWithTheCpusSkew() {
    List<long[]> e = expiries(3, 2 * Kernel.HZ + 100, true); // jiffy 600 + 9 = 609: up to 750, minus 9
    assertThat(e).hasSize(1);
    assertThat(e.get(0)).containsExactly(3, 741);
  }

  /** A timer of a CPU that went offline runs on a live CPU (timers_dead_cpu), when due. */
  @Test
  void aTimerOfACpuThatWentOfflineRunsOnALiveOne() {
    List<long[]> e = expiries(2, 4 * Kernel.HZ, false);
    assertThat(e).hasSize(1);
    assertThat(e.get(0)[0]).isNotEqualTo(2).isBetween(0L, 3L);
    assertThat(e.get(0)[1]).isEqualTo(4 * Kernel.HZ);
  }

  /** Past the end of the timeline a timer is not armed: periodic timers let a run end. */
  @Test
  void aTimerBeyondTheTimelineIsNotArmed() {
    assertThat(expiries(1, 10 * Kernel.HZ, false)).isEmpty();
  }
}
