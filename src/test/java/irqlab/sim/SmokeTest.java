package irqlab.sim;

import irqlab.scenario.BuiltinScenarios;
import org.junit.jupiter.api.Test;

class SmokeTest {
  @Test
  void runs() {
    RunResult r = Simulation.run(BuiltinScenarios.load("nic-basic"), 1);
    System.out.println(r.actions());
    System.out.println(r.violations());
    System.out.println(r.failedExpectations());
    for (var s : r.irqs()) System.out.println(s.name() + " " + s.irq() + " " + java.util.Arrays.toString(s.delivered()) + " " + java.util.Arrays.toString(s.spurious()) + " aff=" + s.affinity() + " eff=" + s.effective());
    System.out.println(r.devices());
    r.dmesg().forEach(l -> System.out.println(l.formatted()));
  }
}
