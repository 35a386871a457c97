package irqlab.kernel;

/** The kernel error codes irqlab's APIs return, with Linux's numbers (include/uapi/asm-generic/errno-base.h, include/linux/errno.h). */
public enum Errno {
  EPERM(1),
  ENOENT(2),
  EIO(5),
  ENOMEM(12),
  EBUSY(16),
  EEXIST(17),
  ENODEV(19),
  EINVAL(22),
  ENOSPC(28),
  ERANGE(34),
  ENOSYS(38),
  ETIMEDOUT(110),
  ENOTSUPP(524);

  private final int number;

  Errno(int number) {
    this.number = number;
  }

  /** The positive error number; kernel functions return its negation. */
  public int number() {
    return number;
  }
}
