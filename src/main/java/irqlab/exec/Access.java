package irqlab.exec;

/**
 * What a step does to the {@link Resource} named at its scheduling point. Two steps of different
 * actors conflict when they touch the same unit of the same resource and are not both reads (two
 * lock operations on one lock always conflict): their order can change the outcome, so only such
 * orders need exploring.
 */
public enum Access {
  READ,
  WRITE,
  /** A lock, mutex or completion operation: ordered against every other one on the same object. */
  SYNC;

  /** Whether a step doing {@code this} and one doing {@code other} to the same unit conflict. */
  public boolean conflicts(Access other) {
    return this != READ || other != READ;
  }
}
