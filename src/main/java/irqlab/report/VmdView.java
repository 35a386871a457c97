package irqlab.report;

import irqlab.sim.Machine;
import irqlab.sim.RunResult;
import irqlab.sim.VmdStats;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code show vmd} and the run report's VMD section: per VMD its PCI domain, how its children's
 * messages reach a CPU and its irq domain; per vector its Linux irq and CPU, vmd_irq_list.count,
 * the child interrupts on it (now and at most), and the handler's cost: every enabled child runs
 * on every interrupt of its vector, raised or not, so calls per run is how many handlers one
 * interrupt costs and idle runs are the ones that found nothing. Linux has no such file; the
 * numbers are the kernel's (count) and irqlab's (the rest).
 */
public final class VmdView {
  private VmdView() {}

  /** {@code show vmd}: the machine's VMDs now. */
  public static String render(Machine m) {
    List<RunResult.VmdStat> vmds = VmdStats.of(m);
    return vmds.isEmpty() ? "no vmd device with a bound driver\n" : render(vmds);
  }

  /** The VMDs of a run's result. */
  public static String render(List<RunResult.VmdStat> vmds) {
    StringBuilder sb = new StringBuilder();
    for (RunResult.VmdStat v : vmds) {
      sb.append(v.name()).append(' ').append(v.bdf()).append(" (").append(v.id()).append("): PCI domain ")
          .append(Integer.toHexString(v.pciDomain()));
      if (v.bypass()) {
        sb.append(", MSI remapping bypassed: the devices behind it use their own MSI domains\n");
        continue;
      }
      sb.append(", irq domain ").append(v.domain()).append(", ").append(v.vectors().size()).append(" vectors")
          .append(v.firstVec() > 0 ? " (vector 0 kept for software, first_vec 1)" : "").append('\n');
      List<String[]> rows = new ArrayList<>();
      for (RunResult.VmdVector x : v.vectors()) {
        String perRun = x.runs() == 0 ? "-" : String.format("%.2f", (double) x.childCalls() / x.runs());
        rows.add(new String[] {Integer.toString(x.index()), Integer.toString(x.irq()), x.cpu(), Long.toString(x.count()),
          Integer.toString(x.assigned()), Integer.toString(x.peak()), Long.toString(x.runs()),
          Long.toString(x.childCalls()), perRun, Long.toString(x.childRuns() - x.claimed()),
          x.children().isEmpty() ? "-" : String.join(", ", x.children())});
      }
      sb.append(Table.render(new String[] {"vector", "irq", "cpu", "count", "children", "peak", "runs", "calls",
          "calls/run", "idle", "child interrupts"}, rows,
          new boolean[] {true, true, false, true, true, true, true, true, true, true, false}));
      sb.append("  most children on one vector: ").append(v.childrenPerVector()).append("; idle child runs: ")
          .append(v.idleChildRuns()).append('\n');
    }
    sb.append("  (count: vmd_irq_list.count, unsigned; children: child interrupts on the vector now, peak: at\n"
        + "   most; runs: vmd_irq runs; calls: generic_handle_irq calls they made; idle: child handler runs\n"
        + "   no action claimed; (off): assigned but not on the list, not enabled)\n");
    return sb.toString();
  }
}
