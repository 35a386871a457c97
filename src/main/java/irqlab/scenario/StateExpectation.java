package irqlab.scenario;

import java.util.List;

/**
 * What one interrupt's descriptor must look like at the end of the run ({@code expect.state}):
 * each check names a property and its expected value in canonical text ("1", "true", "0-3").
 */
public record StateExpectation(String irq, List<Check> checks, Loc loc) {
  /** The properties a state expectation can name, in the order the documentation lists them. */
  public static final List<String> KEYS =
      List.of(
          "depth",
          "started",
          "activated",
          "disabled",
          "masked",
          "pending",
          "managed-shutdown",
          "spurious-disabled",
          "affinity",
          "effective");

  /** One property's expected value and where the file states it. */
  public record Check(String key, String expected, Loc loc) {}

  public StateExpectation {
    checks = List.copyOf(checks);
  }
}
