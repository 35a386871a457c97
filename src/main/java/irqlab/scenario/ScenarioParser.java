package irqlab.scenario;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Parses and validates scenario files; see SCENARIOS.md for the keys. */
public final class ScenarioParser {
  private ScenarioParser() {}

  /**
   * Parses {@code yamlText}; {@code sourceName} is what error messages and {@link Loc}s call the
   * text (a file name, or a built-in's resource name).
   *
   * @throws ScenarioException for any problem with the text, with a one-line message
   */
  public static Scenario parse(String sourceName, String yamlText) throws ScenarioException {
    return ScenarioReader.read(sourceName, YamlReader.read(sourceName, yamlText));
  }

  /** Reads {@code file} as UTF-8 and parses it; read failures are ScenarioExceptions too. */
  public static Scenario parse(Path file) throws ScenarioException {
    String name = file.toString();
    return parse(name, read(file, name));
  }

  private static String read(Path file, String name) {
    Loc top = new Loc(name, 1, 1);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
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
}
