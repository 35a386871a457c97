package irqlab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import irqlab.sim.explore.Carriers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Explore runs actors on platform threads on this JDK and on virtual threads on JDK 24 and newer;
 * the thread mode must never change a schedule. The suite runs on JDK 17 (platform threads), so
 * the virtual mode is checked in a forked JDK 25 when one is installed, byte for byte against this
 * JVM's output, and so is JDK 25 forced onto platform threads.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ThreadModesTest {
  static final Path JDK25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");

  @Test
  void thisJdkUsesPlatformThreadsBefore24() {
    if (Runtime.version().feature() < 24) {
      assertThat(Carriers.Mode.auto()).isEqualTo(Carriers.Mode.PLATFORM);
    } else {
      assertThat(Carriers.Mode.auto()).isEqualTo(Carriers.Mode.VIRTUAL);
    }
  }

  @Test
  void virtualAndPlatformThreadsGiveTheSameBytes() throws Exception {
    assumeTrue(Files.isExecutable(JDK25), "no JDK 25 at " + JDK25);
    String[][] commands = {
      {"explore", "msix-affinity-race-unmasked", "--schedules", "60"},
      {"explore", "torn-msi-offline-direct", "--schedules", "40", "--strategy", "pos", "--jobs", "2"},
      {"explore", "msix-affinity-race-unmasked", "--strategy", "exhaustive", "--preemptions", "1"},
      {"replay", "torn-msi-direct", "--schedule", "random:1:4", "--json"},
    };
    for (String[] c : commands) {
      String here = Cli.run(c).out();
      assertThat(fork(JDK25, List.of(), c)).as("JDK 25, virtual threads: %s", String.join(" ", c)).isEqualTo(here);
      assertThat(fork(JDK25, List.of("-D" + Carriers.MODE_PROPERTY + "=platform"), c))
          .as("JDK 25, platform threads: %s", String.join(" ", c)).isEqualTo(here);
    }
    assertThat(fork(JDK25, List.of(), new String[] {"bench", "explore", "--smoke"})).contains("virtual threads");
  }

  static String fork(Path java, List<String> opts, String[] args) throws IOException, InterruptedException {
    return DeterminismTest.runJvm(java, opts, args);
  }
}
