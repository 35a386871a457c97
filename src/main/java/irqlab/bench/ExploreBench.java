package irqlab.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import irqlab.scenario.BuiltinScenarios;
import irqlab.scenario.Scenario;
import irqlab.sim.Exploration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How fast the explorer runs schedules of a small race scenario: schedules and scheduling points
 * per second on one job. Wall-clock time is the measurement here, never part of model output.
 */
public final class ExploreBench {
  private ExploreBench() {}

  /** The measured rate. */
  public record Result(String scenario, int schedules, long steps, double seconds) {
    public double schedulesPerSecond() {
      return schedules / seconds;
    }

    public double stepsPerSecond() {
      return steps / seconds;
    }

    public String toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("scenario", scenario);
      m.put("schedules", schedules);
      m.put("steps", steps);
      m.put("wall_seconds", seconds);
      m.put("schedules_per_second", schedulesPerSecond());
      m.put("steps_per_second", stepsPerSecond());
      try {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m) + "\n";
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    public String toText() {
      return String.format("explore %s: %d schedules, %d scheduling steps in %.2f s: %.0f schedules/s, %.0f steps/s%n",
          scenario, schedules, steps, seconds, schedulesPerSecond(), stepsPerSecond());
    }
  }

  public static Result run(String scenarioName, int schedules) {
    Scenario s = BuiltinScenarios.load(scenarioName);
    Exploration.explore(s, "random", 99, Math.min(50, schedules), 1, 0, i -> {}); // warm-up
    long t0 = System.nanoTime();
    Exploration.Report rep = Exploration.explore(s, "random", 1, schedules, 1, Integer.MAX_VALUE, i -> {});
    double secs = (System.nanoTime() - t0) / 1e9;
    return new Result(scenarioName, schedules, rep.steps(), secs);
  }
}
