package irqlab.kernel;

/**
 * The model's call chain at a point, innermost first, as "Class.method < Class.method": the
 * kernel code on the stack (lockdep and KASAN print the kernel's stack trace at such points).
 * Walking the stack costs microseconds, so callers take it only where a report may need it.
 */
final class CallChain {
  private static final StackWalker WALKER = StackWalker.getInstance();

  private CallChain() {}

  /** Up to {@code frames} kernel frames below the caller, skipping {@code skip}'s own. */
  static String of(int frames, Class<?> skip) {
    String skipName = skip.getName();
    String chain = WALKER.walk(s -> {
      StringBuilder sb = new StringBuilder();
      s.filter(f -> f.getClassName().startsWith("irqlab.kernel.") && !f.getClassName().equals(skipName)
              && !f.getClassName().equals(CallChain.class.getName()))
          .limit(frames)
          .forEach(f -> {
            String c = f.getClassName();
            String simple = c.substring(c.lastIndexOf('.') + 1);
            int dollar = simple.indexOf('$');
            if (dollar >= 0) {
              simple = simple.substring(0, dollar);
            }
            sb.append(sb.length() == 0 ? "" : " < ").append(simple).append('.').append(f.getMethodName());
          });
      return sb.toString();
    });
    return chain.isEmpty() ? "(outside the kernel)" : chain;
  }
}
