package irqlab.kernel;

import irqlab.exec.Actor;

/**
 * Who freed a kernel object, when and where: what a KASAN report's "Freed by task" part says,
 * kept with the object so that a later use can name both sides.
 */
public record Freed(String actor, long timeNs, String site) {
  /** A free by the current actor of {@code k}; the call chain only where a use may follow. */
  public static Freed now(Kernel k, String what, boolean withChain) {
    Actor a = k.exec().current();
    return new Freed(a.name(), k.exec().now(), withChain ? what + " (" + CallChain.of(9, Freed.class) + ")" : what);
  }

  @Override
  public String toString() {
    return "freed by " + actor + " at " + irqlab.exec.VirtualTime.format(timeNs) + " in " + site;
  }
}
