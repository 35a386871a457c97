package irqlab.sim.devices;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * The order drivers probe at boot across different drivers: their types' initcall ranks (the
 * built-in drivers of the reference irqdbg kernel: ahci, nvme, virtio-net, e1000e; then irqlab's
 * generic model drivers). Devices of one rank keep their order.
 */
public final class ProbeOrder {
  private ProbeOrder() {}

  private static final Comparator<Binding> ORDER = Comparator.comparingInt((Binding b) -> b.type().initcall());

  /** {@code bindings} in probe order (a stable sort: ties keep their order). */
  public static List<Binding> of(Collection<Binding> bindings) {
    List<Binding> l = new ArrayList<>(bindings);
    l.sort(ORDER);
    return l;
  }
}
