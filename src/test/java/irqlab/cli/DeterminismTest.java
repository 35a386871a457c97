package irqlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The same scenario and seed print byte-identical output, in one JVM and across JVMs. */
class DeterminismTest {
  @ParameterizedTest
  @ValueSource(strings = {"nic-tour", "nic-basic", "msix-affinity-race"})
  void twiceInOneJvm(String scenario) {
    Cli a = Cli.run("run", scenario, "--json");
    Cli b = Cli.run("run", scenario, "--json");
    assertThat(a.out()).isNotEmpty().isEqualTo(b.out());
    Cli c = Cli.run("run", scenario, "--seed", "7");
    Cli d = Cli.run("run", scenario, "--seed", "7");
    assertThat(c.out()).isEqualTo(d.out());
  }

  @ParameterizedTest
  @ValueSource(strings = {"nic-tour"})
  void differentSeedsDiffer(String scenario) {
    assertThat(Cli.run("run", scenario, "--json", "--seed", "1").out())
        .isNotEqualTo(Cli.run("run", scenario, "--json", "--seed", "2").out());
  }

  @ParameterizedTest
  @ValueSource(strings = {"nic-tour"})
  void inTwoJvms(String scenario) throws Exception {
    String inProcess = Cli.run("run", scenario, "--json").out();
    String first = runJvm("run", scenario, "--json");
    String second = runJvm("run", scenario, "--json");
    assertThat(first).isEqualTo(second).isEqualTo(inProcess);
    String explore = runJvm("explore", "msix-affinity-race-unmasked", "--schedules", "40");
    assertThat(explore).isEqualTo(Cli.run("explore", "msix-affinity-race-unmasked", "--schedules", "40").out());
  }

  static String runJvm(String... args) throws IOException, InterruptedException {
    return runJvm(Path.of(System.getProperty("java.home"), "bin", "java"), args);
  }

  /** Runs irqlab's main in a fresh JVM ({@code java}) and returns what it printed. */
  static String runJvm(Path java, String... args) throws IOException, InterruptedException {
    return runJvm(java, List.of(), args);
  }

  /** The same with options for the JVM ({@code -Dname=value}) before the main class. */
  static String runJvm(Path java, List<String> jvmOptions, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(java.toString());
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("irqlab.cli.Main");
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = p.getInputStream()) {
      in.transferTo(out);
    }
    assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
    return out.toString(StandardCharsets.UTF_8);
  }
}
