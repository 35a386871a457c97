package irqlab.scenario;

import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.scanner.Constant;

/**
 * SnakeYAML's character reader over a text already in memory, in time linear in its length.
 *
 * <p>SnakeYAML's own {@link StreamReader} reads 1,024 characters at a time and copies its whole
 * unread window on every read. A token it must look through to its end before consuming it (a
 * comment, a run of blanks, a plain or quoted scalar) is copied once per 1,024 characters of its
 * length, so a 3 MB line cost 10 s and 2 GB. This reader holds the code points once and
 * answers every call by indexing; it reproduces the stock reader's positions (line, column, index)
 * and its refusal of non-printable characters, which {@code ScenarioParserEquivalenceTest} checks
 * against the stock reader.
 */
final class WholeTextReader extends StreamReader {
  private static final String NAME = "'string'";

  /** Code points up to the first one YAML does not allow. */
  private final int[] data;
  private final int length;
  /** The first non-printable code point, or -1; reported when the scanner reaches it. */
  private final int bad;
  private int pointer;
  private int documentIndex;
  private int line;
  private int column;

  WholeTextReader(String text) {
    super("");
    int[] cps = text.codePoints().toArray();
    int n = 0;
    while (n < cps.length && isPrintable(cps[n])) {
      n++;
    }
    this.data = cps;
    this.length = n;
    this.bad = n < cps.length ? cps[n] : -1;
  }

  /** 0-based line and column of code point {@code position}, counted as {@link #forward} counts. */
  int[] lineAndColumn(int position) {
    int l = 0;
    int c = 0;
    for (int i = 0; i < position && i < data.length; i++) {
      int cp = data[i];
      if (Constant.LINEBR.has(cp) || cp == '\r' && i + 1 < data.length && data[i + 1] != '\n') {
        l++;
        c = 0;
      } else if (cp != '\uFEFF') {
        c++;
      }
    }
    return new int[] {l, c};
  }

  /** Whether {@code size + 1} more code points are available, as the stock reader answers it. */
  private boolean ensureEnoughData(int size) {
    if (pointer + size >= length && bad >= 0) {
      throw new ReaderException(NAME, length, bad, "special characters are not allowed");
    }
    return pointer + size < length;
  }

  @Override
  public Mark getMark() {
    return new Mark(NAME, pointer, line, column, data, pointer);
  }

  @Override
  public void forward() {
    forward(1);
  }

  @Override
  public void forward(int n) {
    for (int i = 0; i < n && ensureEnoughData(0); i++) {
      int c = data[pointer++];
      documentIndex++;
      if (Constant.LINEBR.has(c) || c == '\r' && ensureEnoughData(0) && data[pointer] != '\n') {
        line++;
        column = 0;
      } else if (c != '\uFEFF') {
        column++;
      }
    }
  }

  @Override
  public int peek() {
    return ensureEnoughData(0) ? data[pointer] : 0;
  }

  @Override
  public int peek(int index) {
    return ensureEnoughData(index) ? data[pointer + index] : 0;
  }

  @Override
  public String prefix(int n) {
    if (n == 0) {
      return "";
    }
    return new String(data, pointer, ensureEnoughData(n) ? n : Math.min(n, length - pointer));
  }

  /** As the stock reader: the scanner only calls it over characters that are not line breaks. */
  @Override
  public String prefixForward(int n) {
    String p = prefix(n);
    pointer += n;
    documentIndex += n;
    column += n;
    return p;
  }

  @Override
  public int getColumn() {
    return column;
  }

  @Override
  public int getDocumentIndex() {
    return documentIndex;
  }

  @Override
  public void resetDocumentIndex() {
    documentIndex = 0;
  }

  @Override
  public int getIndex() {
    return pointer;
  }

  @Override
  public int getLine() {
    return line;
  }
}
