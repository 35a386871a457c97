package irqlab.kernel.drivers;

/**
 * A network driver's interface as the administrator sees it: its name (eth0, eth1... in the
 * order interfaces register, as dev_alloc_name gives them) and ip link set up / down
 * (ndo_open / ndo_stop). Only an interface that is up carries traffic.
 */
public interface NetDriver {
  /** The interface name, null before it registers. */
  String ifname();

  /** ndo_open; the link goes up. */
  void open();

  /** ndo_stop; the link goes down. */
  void stop();

  boolean up();
}
