package irqlab.sim.devices;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * The order drivers probe at boot across different drivers: their types' initcall ranks (the
 * built-in drivers of the reference irqdbg kernel: virtio_pci's bus stage, ahci, nvme, virtio-net,
 * e1000e; then irqlab's generic model drivers). Devices of one rank keep their order.
 */
public final class ProbeOrder {
  private ProbeOrder() {}

  /**
   * One boot probe step: a device's bus stage (virtio_pci_probe, before the device driver binds)
   * or its driver's probe.
   */
  public record Step(Binding binding, boolean busStage) {
    int rank() {
      return busStage ? binding.type().busInitcall() : binding.type().initcall();
    }
  }

  /**
   * The boot probe steps of the bound devices among {@code bindings} (in bus order within a
   * driver): each type's bus stage where it has one, and each driver's probe, by rank (a stable sort: ties keep their order).
   */
  public static List<Step> steps(Collection<Binding> bindings) {
    List<Step> l = new ArrayList<>();
    for (Binding b : bindings) {
      if (b.driver() == null) {
        continue;
      }
      if (b.type().busInitcall() >= 0) {
        l.add(new Step(b, true));
      }
      l.add(new Step(b, false));
    }
    l.sort(Comparator.comparingInt(Step::rank));
    return l;
  }
}
