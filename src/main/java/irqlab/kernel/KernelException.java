package irqlab.kernel;

/**
 * A kernel API refused a request with an error code, as the C function would return
 * {@code -errno}. Callers match on {@link #errno()}.
 */
public class KernelException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final Errno errno;

  public KernelException(Errno errno, String message) {
    super(errno.name() + ": " + message);
    this.errno = errno;
  }

  public Errno errno() {
    return errno;
  }

  public static KernelException of(Errno errno, String message) {
    return new KernelException(errno, message);
  }
}
