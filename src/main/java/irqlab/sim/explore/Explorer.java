package irqlab.sim.explore;

/**
 * Runs one schedule on a fresh runtime and closes it afterwards, so no work of one schedule
 * outlives it; the threads come from the caller's pool and go back to it.
 */
public final class Explorer {
  /** One schedule's work: build the model on {@code rt}, run it, throw when the outcome is bad. */
  @FunctionalInterface
  public interface Scenario {
    void run(ExploreRuntime rt) throws Exception;
  }

  /**
   * What one schedule did; {@code failure} is null when the scenario passed. {@code decisionLog}
   * is empty unless decisions were recorded.
   */
  public record Result(ScheduleId id, long steps, long eventsRun, String decisionLog, Throwable failure) {
    public boolean failed() {
      return failure != null;
    }
  }

  private Explorer() {}

  /** Runs schedules 0..count-1 of {@code strategy:runSeed} and returns the first that fails. */
  public static java.util.Optional<Result> findFailure(String strategy, long runSeed, int count, Scenario scenario) {
    for (int i = 0; i < count; i++) {
      Result r = run(new ScheduleId(strategy, runSeed, i), scenario);
      if (r.failed()) {
        return java.util.Optional.of(r);
      }
    }
    return java.util.Optional.empty();
  }

  public static Result run(ScheduleId id, Scenario scenario) {
    return run(id, ExploreRuntime.DEFAULT_MAX_STEPS, null, true, scenario);
  }

  /**
   * Runs schedule {@code id} with at most {@code maxSteps} steps on the threads of {@code
   * carriers} (null: private ones); {@code record} keeps the decisions for {@link Result#decisionLog}.
   */
  public static Result run(ScheduleId id, long maxSteps, Carriers carriers, boolean record, Scenario scenario) {
    return run(id, Strategies.forId(id), maxSteps, carriers, record, scenario);
  }

  /** The same for a schedule of an exploration whose baseline found {@code targets}. */
  public static Result run(ScheduleId id, RaceTargets targets, long maxSteps, Carriers carriers, boolean record,
      Scenario scenario) {
    return run(id, Strategies.forId(id, targets), maxSteps, carriers, record, scenario);
  }

  /** As above with {@code strategy} deciding (a wrapper of the id's own, such as a recorder). */
  public static Result run(ScheduleId id, Strategy strategy, long maxSteps, Carriers carriers, boolean record,
      Scenario scenario) {
    ExploreRuntime rt = new ExploreRuntime(strategy.modelSeed(id.seed()), strategy, maxSteps, carriers);
    if (record) {
      rt.recordDecisions();
    }
    Throwable failure = null;
    try {
      scenario.run(rt);
    } catch (Exception | AssertionError e) {
      failure = e;
    } finally {
      rt.close();
    }
    return new Result(id, rt.steps(), rt.eventsRun(), rt.decisionLog(), failure);
  }
}
