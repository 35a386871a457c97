package irqlab.sim.devices;

/** Where a device's checks report what they find wrong (the oracle). */
public interface Verdicts {
  /** Completed work that nothing will ever signal or handle. */
  void lostInterrupt(String detail);

  /** A device's message reached a vector that belongs to another interrupt. */
  void misrouted(String detail);
}
