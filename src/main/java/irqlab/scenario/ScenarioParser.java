package irqlab.scenario;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/** Parses and validates scenario files; see SCENARIOS.md for the keys. */
public final class ScenarioParser {
  /**
   * The largest scenario accepted, in bytes of a file or characters of a text: a thousand times
   * the largest built-in, and small enough that any input parses in well under a second.
   */
  public static final int MAX_BYTES = 1 << 20;

  private ScenarioParser() {}

  /**
   * Parses {@code yamlText}; {@code sourceName} is what error messages and {@link Loc}s call the
   * text (a file name, or a built-in's resource name).
   *
   * @throws ScenarioException for any problem with the text, with a one-line message
   */
  public static Scenario parse(String sourceName, String yamlText) throws ScenarioException {
    if (yamlText.length() > MAX_BYTES) {
      throw tooLarge(new Loc(sourceName, 1, 1), yamlText.length() + " characters");
    }
    return ScenarioReader.read(sourceName, YamlReader.read(sourceName, yamlText));
  }

  /** Reads {@code file} as UTF-8 and parses it; read failures are ScenarioExceptions too. */
  public static Scenario parse(Path file) throws ScenarioException {
    String name = file.toString();
    return parse(name, read(file, name));
  }

  /**
   * The file's bytes. Only a regular file of at most {@link #MAX_BYTES} is read: a device such as
   * /dev/zero never ends and a named pipe may block for ever, so both are refused before opening,
   * and at most one byte more than the limit is read in case the file grows meanwhile.
   */
  private static String read(Path file, String name) {
    Loc top = new Loc(name, 1, 1);
    byte[] bytes;
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      if (a.isDirectory()) {
        throw new ScenarioException(top, "(file)", "is a directory; expected a scenario file");
      }
      if (!a.isRegularFile()) {
        throw new ScenarioException(top, "(file)",
            "not a regular file (a device, named pipe or socket); expected a scenario file");
      }
      if (a.size() > MAX_BYTES) {
        throw tooLarge(top, a.size() + " bytes");
      }
      try (InputStream in = Files.newInputStream(file)) {
        bytes = in.readNBytes(MAX_BYTES + 1);
      }
      if (bytes.length > MAX_BYTES) {
        throw tooLarge(top, "more than " + MAX_BYTES + " bytes");
      }
    } catch (NoSuchFileException e) {
      throw new ScenarioException(top, "(file)", "no such file");
    } catch (AccessDeniedException e) {
      throw new ScenarioException(top, "(file)", "permission denied");
    } catch (IOException e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new ScenarioException(top, "(file)", "cannot read file: " + why);
    }
    try {
      // A strict decoder, so that a binary file is rejected instead of read as mojibake.
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new ScenarioException(top, "(file)", "not UTF-8 text");
    }
  }

  private static ScenarioException tooLarge(Loc at, String size) {
    return new ScenarioException(at, "(file)", "too large: " + size + "; a scenario is at most "
        + MAX_BYTES + " bytes (1 MiB)");
  }
}
