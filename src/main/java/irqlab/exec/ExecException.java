package irqlab.exec;

/** The model itself went wrong: a deadlock, an unbalanced lock, a wait that can never end. */
public class ExecException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ExecException(String message) {
    super(message);
  }
}
