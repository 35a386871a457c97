package irqlab.scenario;

/**
 * Bad scenario input. The message is always one line, {@code file:line:column: key.path: problem},
 * so that the command line can print it as is and editors can jump to it.
 */
public final class ScenarioException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Loc loc;
  private final String keyPath;
  private final String problem;

  public ScenarioException(Loc loc, String keyPath, String problem) {
    super(singleLine(loc + ": " + keyPath + ": " + problem), null, false, false);
    this.loc = loc;
    this.keyPath = keyPath;
    this.problem = problem;
  }

  public Loc loc() {
    return loc;
  }

  /** The key the problem is about, e.g. {@code timeline[3].set-affinity.cpus}. */
  public String keyPath() {
    return keyPath;
  }

  /** What was wrong and what was expected, without the location prefix. */
  public String problem() {
    return problem;
  }

  /**
   * {@code s} with line breaks and control characters escaped ({@code \n}, {@code \u0001}):
   * keys and values echoed from a file or a command line may hold them, and a message of bad input
   * is a single line whatever the input.
   */
  public static String singleLine(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\n') {
        sb.append("\\n");
      } else if (c == '\r') {
        sb.append("\\r");
      } else if (c == '\t') {
        sb.append("\\t");
      } else if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || c == '\u0085') {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
