package irqlab.kernel;

/** The kernel error codes irqlab's APIs return, with Linux's numbers (include/uapi/asm-generic/errno-base.h, include/linux/errno.h). */
public enum Errno {
  EPERM(1, "Operation not permitted"),
  ENOENT(2, "No such file or directory"),
  EIO(5, "Input/output error"),
  ENOMEM(12, "Cannot allocate memory"),
  EACCES(13, "Permission denied"),
  EBUSY(16, "Device or resource busy"),
  EEXIST(17, "File exists"),
  ENODEV(19, "No such device"),
  EINVAL(22, "Invalid argument"),
  ENOSPC(28, "No space left on device"),
  ERANGE(34, "Numerical result out of range"),
  ENOSYS(38, "Function not implemented"),
  ETIMEDOUT(110, "Connection timed out"),
  ENOTSUPP(524, "Unknown error 524");

  private final int number;
  private final String text;

  Errno(int number, String text) {
    this.number = number;
    this.text = text;
  }

  /** strerror(): what a shell prints for a failed write ("Operation not permitted"). */
  public String strerror() {
    return text;
  }

  /** The positive error number; kernel functions return its negation. */
  public int number() {
    return number;
  }
}
