package irqlab.sim.explore;

import java.util.Optional;

/**
 * Runs a scenario under many schedules. Each schedule gets a fresh runtime that is closed
 * afterwards, so no actor thread outlives its schedule.
 */
public final class Explorer {
  /** One schedule's work: build the model on {@code rt}, run it, throw when the outcome is bad. */
  @FunctionalInterface
  public interface Scenario {
    void run(ExploreRuntime rt) throws Exception;
  }

  /** What one schedule did; {@code failure} is null when the scenario passed. */
  public record Result(ScheduleId id, long steps, String decisionLog, Throwable failure) {
    public boolean failed() {
      return failure != null;
    }
  }

  private Explorer() {}

  public static Result run(ScheduleId id, Scenario scenario) {
    return run(id, ExploreRuntime.DEFAULT_MAX_STEPS, scenario);
  }

  public static Result run(ScheduleId id, long maxSteps, Scenario scenario) {
    ExploreRuntime rt = ExploreRuntime.forSchedule(id, maxSteps);
    Throwable failure = null;
    try {
      scenario.run(rt);
    } catch (Exception | AssertionError e) {
      failure = e;
    } finally {
      rt.close();
    }
    return new Result(id, rt.steps(), rt.decisionLog(), failure);
  }

  /** Runs schedules 0..count-1 of {@code strategy:runSeed} and returns the first that fails. */
  public static Optional<Result> findFailure(
      String strategy, long runSeed, int count, Scenario scenario) {
    for (int i = 0; i < count; i++) {
      Result r = run(new ScheduleId(strategy, runSeed, i), scenario);
      if (r.failed()) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}
