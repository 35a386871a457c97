package irqlab.report;

/** printf-style padding as the kernel's seq_printf formats it, without Locale surprises. */
final class Fmt {
  private Fmt() {}

  static String spaces(int n) {
    return n <= 0 ? "" : " ".repeat(n);
  }

  /** {@code %*s} / {@code %Nd}: right-aligned in {@code width}, never truncated. */
  static String right(String s, int width) {
    return s.length() >= width ? s : spaces(width - s.length()) + s;
  }

  static String right(long v, int width) {
    return right(Long.toString(v), width);
  }

  /** {@code %-Ns}: left-aligned in {@code width}, never truncated. */
  static String left(String s, int width) {
    return s.length() >= width ? s : s + spaces(width - s.length());
  }

  /** A C {@code unsigned int} as {@code %u} prints it: the value wraps at 2^32. */
  static String u32(long v) {
    return Long.toString(v & 0xffffffffL);
  }

  /** {@code 0x%08x}. */
  static String hex8(int v) {
    String h = Integer.toHexString(v);
    return "0x" + "0".repeat(Math.max(0, 8 - h.length())) + h;
  }

  /** {@code 0x%lx}. */
  static String hex(long v) {
    return "0x" + Long.toHexString(v);
  }
}
