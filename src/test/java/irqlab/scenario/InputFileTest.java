package irqlab.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Only regular files of at most 1 MiB are read; everything else is refused before reading. */
class InputFileTest {
  @TempDir Path tmp;

  private static ScenarioException refused(Path p) {
    ScenarioException e = catchThrowableOfType(ScenarioException.class, () -> ScenarioParser.parse(p));
    assertThat(e).as(p + " is refused").isNotNull();
    assertThat(e.loc()).isEqualTo(new Loc(p.toString(), 1, 1));
    assertThat(e.keyPath()).isEqualTo("(file)");
    return e;
  }

  /** A valid scenario padded with a comment to exactly {@code size} bytes. */
  private static String padded(int size) {
    String head = "name: big\nmachine: { cpus: 1 }\n#";
    return head + "x".repeat(size - head.length() - 1) + "\n";
  }

  @Test
  void aFileOfExactlyTheLimitIsReadAndOneByteMoreIsNot() throws IOException {
    Path ok = Files.writeString(tmp.resolve("ok.yaml"), padded(ScenarioParser.MAX_BYTES));
    assertThat(Files.size(ok)).isEqualTo(1 << 20);
    assertThat(ScenarioParser.parse(ok).name()).isEqualTo("big");

    Path big = Files.writeString(tmp.resolve("big.yaml"), padded(ScenarioParser.MAX_BYTES + 1));
    assertThat(refused(big).problem()).isEqualTo("too large: 1048577 bytes; a scenario is at most 1048576 bytes (1 MiB)");
  }

  @Test
  void aTextOverTheLimitIsRefusedToo() {
    ScenarioException e = catchThrowableOfType(ScenarioException.class,
        () -> ScenarioParser.parse("t.yaml", padded(ScenarioParser.MAX_BYTES + 1)));
    assertThat(e.problem()).startsWith("too large: 1048577 characters");
  }

  @Test
  void devicesPipesAndDirectoriesAreNotRead() throws Exception {
    assertThat(refused(tmp).problem()).isEqualTo("is a directory; expected a scenario file");
    Path zero = Path.of("/dev/zero");
    assumeTrue(Files.exists(zero), "no /dev/zero here");
    assertThat(refused(zero).problem()).startsWith("not a regular file");
    Path fifo = tmp.resolve("fifo");
    Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assumeTrue(p.waitFor() == 0, "no mkfifo here");
    // Opening a named pipe blocks until a writer comes: refused without opening it.
    assertThat(refused(fifo).problem()).startsWith("not a regular file");
  }

  @Test
  void aMissingFileIsSaidSo() {
    assertThat(refused(tmp.resolve("nope.yaml")).problem()).isEqualTo("no such file");
  }
}
