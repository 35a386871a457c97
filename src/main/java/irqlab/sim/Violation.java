package irqlab.sim;

/** Something the oracle judged wrong, with when and where it happened. */
public record Violation(String kind, long timeNs, String detail) {
  public static final String LOST_INTERRUPT = "lost-interrupt";
  public static final String NO_HANDLER = "no-handler";
  public static final String USE_AFTER_FREE = "use-after-free";
  public static final String SLEEPING_IN_ATOMIC = "sleeping-in-atomic";
  public static final String VECTOR_ACCOUNTING = "vector-accounting";
  public static final String STORM = "storm";
  public static final String MISROUTED = "misrouted";
  /** Lockdep's "possible circular locking dependency": two lock classes taken in both orders. */
  public static final String LOCK_INVERSION = "lock-inversion";
  /**
   * A started line with no move in flight whose effective affinity, vector target and device
   * message disagree (see AffinityAgreement).
   */
  public static final String AFFINITY_MISMATCH = "affinity-mismatch";
  /** A device's write the kernel never set up reached a CPU as an interrupt (spoof-msi). */
  public static final String SPOOFED_MSI = "spoofed-msi";

  @Override
  public String toString() {
    return kind + " at " + irqlab.scenario.Durations.format(timeNs) + ": " + detail;
  }
}
