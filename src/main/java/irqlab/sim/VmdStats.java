package irqlab.sim;

import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.vmd.VmdDriver;
import irqlab.kernel.vmd.VmdIrq;
import irqlab.kernel.vmd.VmdIrqList;
import irqlab.sim.devices.Binding;
import irqlab.sim.devices.VmdBinding;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The VMDs of a machine as the run report and {@code show vmd} present them, read from its state. */
public final class VmdStats {
  private VmdStats() {}

  /** One stat per VMD with a bound driver, in file order. */
  public static List<RunResult.VmdStat> of(Machine m) {
    Map<Integer, String> names = new TreeMap<>();
    m.interruptNames().forEach((name, irq) -> names.putIfAbsent(irq, name));
    List<RunResult.VmdStat> out = new ArrayList<>();
    for (Binding b : m.bindings()) {
      if (!(b instanceof VmdBinding vb) || vb.vmdDriver() == null || !vb.vmdDriver().bound()) {
        continue;
      }
      VmdDriver d = vb.vmdDriver();
      List<RunResult.VmdVector> vectors = new ArrayList<>();
      for (VmdIrqList l : d.vectorLists()) {
        IrqDesc v = m.kernel().descs().get(l.virq());
        List<String> children = new ArrayList<>();
        for (VmdIrq e : l.children()) {
          String n = names.getOrDefault(e.virq(), "irq " + e.virq());
          children.add(e.enabled() ? n : n + " (off)");
        }
        vectors.add(new RunResult.VmdVector(l.index(), l.virq(),
            v == null ? "-" : v.effectiveAffinity().toList(), l.count(), l.assigned(), l.peakAssigned(),
            l.handled(), l.childCalls(), vb.childRuns(l.index()), vb.childClaims(l.index()), children));
      }
      out.add(new RunResult.VmdStat(b.id(), d.vmdName(), b.pci().devName(), d.pciDomain(), d.bypass(),
          d.irqDomain() == null ? "-" : d.irqDomain().debugfsName(), d.firstVec(), vectors));
    }
    return out;
  }
}
