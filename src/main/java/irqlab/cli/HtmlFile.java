package irqlab.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a report file named on the command line; a file that cannot be written is bad input. */
final class HtmlFile {
  private HtmlFile() {}

  static void write(String command, Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new Main.BadInput(command + ": --html: cannot write " + file + ": "
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    }
  }
}
