package irqlab.scenario;

/** A position in a scenario file; line and column are 1-based, as editors count them. */
public record Loc(String file, int line, int column) {
  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}
