package irqlab.importer;

/** An input file irqlab cannot read: {@code file:line:column: what was wrong / what was expected}. */
public final class ImportException extends RuntimeException {
  public ImportException(String file, int line, int column, String problem) {
    super(file + ":" + line + ":" + column + ": " + problem);
  }
}
