package irqlab.jmh;

import irqlab.scenario.ScenarioException;
import irqlab.scenario.ScenarioParser;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Parsing a scenario of the largest accepted size (1 MiB) in shapes that used to cost time
 * quadratic in the length of a line: one long comment, one long plain scalar, a flow list of
 * small mappings on one line; and the same list one item per line for comparison. Milliseconds
 * per parse. Run as the other benchmarks (see {@link DeliveryBenchmark}) with {@code
 * -Dexec.args="-cp %classpath org.openjdk.jmh.Main irqlab.jmh.ScenarioParseBenchmark"}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class ScenarioParseBenchmark {
  @Param({"comment-line", "scalar-line", "flow-list-line", "block-list"})
  public String shape;

  private String text;

  @Setup
  public void setUp() {
    int size = ScenarioParser.MAX_BYTES - 100;
    String head = "name: big\nmachine: { cpus: 2 }\n";
    text = switch (shape) {
      case "comment-line" -> head + "# " + "c".repeat(size) + "\n";
      case "scalar-line" -> head + "description: " + "a".repeat(size) + "\n";
      case "flow-list-line" -> head + "x: [" + "{a: 1}, ".repeat(size / 8) + "]\n";
      default -> head + "x:\n" + "  - {a: 1}\n".repeat(size / 11);
    };
  }

  @Benchmark
  public Object parse() {
    try {
      return ScenarioParser.parse("bench.yaml", text);
    } catch (ScenarioException e) {
      return e; // the lists end in an unknown key, after the whole text is read
    }
  }
}
