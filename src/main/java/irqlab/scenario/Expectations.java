package irqlab.scenario;

import java.util.List;

/**
 * What the run should end with: the violations the oracle is expected to report (empty = none,
 * the default), bounds on delivered and spurious interrupt counts, and the end state of chosen
 * interrupts ({@code state}), in file order. A subject is
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
    List<VmdBound> vmd) {

  /** What {@code expect.vmd.<id>} may bound: see {@link VmdBound}. */
  public static final List<String> VMD_KEYS = List.of("children-per-vector", "idle-child-runs");

  /**
   * A bound on VMD {@code vmd}'s {@code key}: children-per-vector (the most child interrupts one
   * of its vectors had at once) or idle-child-runs (child handler runs that found nothing, since
   * every enabled child runs on each interrupt of its vector).
   */
  public record VmdBound(String vmd, String key, Comparison comparison, Loc loc) {}

  /** Without VMD bounds. */
  public Expectations(List<String> violations, List<Count> delivered, List<Count> spurious,
      List<StateExpectation> state, Loc loc, Loc violationsLoc) {
    this(violations, delivered, spurious, state, loc, violationsLoc, List.of());
  }

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
    vmd = List.copyOf(vmd);
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
