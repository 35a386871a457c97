package irqlab.scenario;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the run should end with: the violations the oracle is expected to report (empty = none,
 * the default), bounds on delivered and spurious interrupt counts, and the end state of chosen
 * interrupts ({@code state}), in file order, and how probes end ({@code probe}: device id to
 * {@code OK} or an errno name; a device not named is expected to probe fine). A subject is
 * a device id or an interrupt name. {@code loc} is the {@code expect} mapping, or the top of the
 * file when the scenario has none.
 */
public record Expectations(
    List<String> violations,
    List<Count> delivered,
    List<Count> spurious,
    List<StateExpectation> state,
    Loc loc,
    Loc violationsLoc,
    Map<String, String> probe,
    List<VmdBound> vmd) {

  /** What a device's probe is expected to end with when {@code expect.probe} does not say. */
  public static final String PROBE_OK = "OK";

  /** What {@code expect.vmd.<id>} may bound: see {@link VmdBound}. */
  public static final List<String> VMD_KEYS = List.of("children-per-vector", "idle-child-runs");

  /**
   * A bound on VMD {@code vmd}'s {@code key}: children-per-vector (the most child interrupts one
   * of its vectors had at once) or idle-child-runs (child handler runs that found nothing, since
   * every enabled child runs on each interrupt of its vector).
   */
  public record VmdBound(String vmd, String key, Comparison comparison, Loc loc) {}

  /** The oracle's violation names. */
  public static final List<String> VIOLATIONS =
      List.of(
          "lost-interrupt",
          "no-handler",
          "use-after-free",
          "sleeping-in-atomic",
          "storm",
          "vector-accounting",
          "spoofed-msi",
          "lock-inversion",
          "misrouted",
          "affinity-mismatch");

  /** A bound on a counter of {@code subject}, and where the file states it. */
  public record Count(String subject, Comparison comparison, Loc loc) {}

  public Expectations {
    violations = List.copyOf(violations);
    delivered = List.copyOf(delivered);
    spurious = List.copyOf(spurious);
    state = List.copyOf(state);
    probe = Collections.unmodifiableMap(new LinkedHashMap<>(probe));
    vmd = List.copyOf(vmd);
  }

  /** Without probe expectations and VMD bounds: every probe is expected to succeed. */
  public Expectations(List<String> violations, List<Count> delivered, List<Count> spurious,
      List<StateExpectation> state, Loc loc, Loc violationsLoc) {
    this(violations, delivered, spurious, state, loc, violationsLoc, Map.of(), List.of());
  }

  /** How {@code device}'s probes are expected to end: {@link #PROBE_OK} or an errno name. */
  public String probeOutcome(String device) {
    return probe.getOrDefault(device, PROBE_OK);
  }

  /** Without state expectations. */
  public Expectations(
      List<String> violations, List<Count> delivered, List<Count> spurious, Loc loc, Loc violationsLoc) {
    this(violations, delivered, spurious, List.of(), loc, violationsLoc);
  }

  /** No expectations beyond "no violation", located at {@code loc}. */
  public static Expectations none(Loc loc) {
    return new Expectations(List.of(), List.of(), List.of(), loc, loc);
  }
}
