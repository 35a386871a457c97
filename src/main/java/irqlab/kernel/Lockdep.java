package irqlab.kernel;

import irqlab.exec.Actor;
import irqlab.exec.LockWatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A lockdep (kernel/locking/lockdep.c) for the model's locks: locks of one name form a class (every
 * irq_desc lock is one, as irq_desc_lock_class makes them), and taking class B while holding class
 * A records the dependency A -> B the first time it is seen, with where. A new dependency that
 * closes a cycle (B -> ... -> A known already) is an inversion: two actors could each hold one lock
 * and wait for the other. It is reported when the second order is first seen, whether or not the
 * schedule deadlocked: "possible circular locking dependency detected". Each pair is reported once.
 * Nesting a class within itself is left alone (the kernel's nested annotations).
 */
public final class Lockdep implements LockWatch {
  /** Where a dependency was first seen: who, when, and the model's call chain. */
  private record Site(String actor, long timeNs, String where) {
    @Override
    public String toString() {
      return actor + " at " + irqlab.exec.VirtualTime.format(timeNs) + " in " + where;
    }
  }

  private final Kernel k;
  private final Map<String, Integer> classes = new LinkedHashMap<>();
  private final List<String> classNames = new ArrayList<>();
  /** dependency[a][b]: the site where class b was first taken with class a held, or null. */
  private Site[][] dependency = new Site[8][8];
  /** Per actor id, the locks it holds and their classes, in acquisition order. */
  private Object[][] heldLocks = new Object[8][];
  private int[][] heldClasses = new int[8][];
  private int[] heldCount = new int[8];
  private final java.util.Set<Long> reported = new java.util.HashSet<>();

  Lockdep(Kernel k) {
    this.k = k;
  }

  @Override
  public int classId(String name) {
    Integer c = classes.get(name);
    if (c != null) {
      return c;
    }
    int n = classNames.size();
    classes.put(name, n);
    classNames.add(name);
    if (n >= dependency.length) {
      Site[][] d = new Site[n * 2][n * 2];
      for (int i = 0; i < dependency.length; i++) {
        System.arraycopy(dependency[i], 0, d[i], 0, dependency.length);
      }
      dependency = d;
    }
    return n;
  }

  @Override
  public void acquired(Actor actor, Object lock, int c) {
    int id = actor.id();
    if (id >= heldCount.length) {
      int n = Math.max(id + 1, heldCount.length * 2);
      heldLocks = Arrays.copyOf(heldLocks, n);
      heldClasses = Arrays.copyOf(heldClasses, n);
      heldCount = Arrays.copyOf(heldCount, n);
    }
    int held = heldCount[id];
    for (int i = 0; i < held; i++) {
      int h = heldClasses[id][i];
      if (h != c && dependency[h][c] == null) {
        newDependency(actor, h, c);
      }
    }
    if (heldLocks[id] == null || held == heldLocks[id].length) {
      int n = held == 0 ? 4 : held * 2;
      heldLocks[id] = heldLocks[id] == null ? new Object[n] : Arrays.copyOf(heldLocks[id], n);
      heldClasses[id] = heldClasses[id] == null ? new int[n] : Arrays.copyOf(heldClasses[id], n);
    }
    heldLocks[id][held] = lock;
    heldClasses[id][held] = c;
    heldCount[id] = held + 1;
  }

  @Override
  public void released(Actor actor, Object lock) {
    int id = actor.id();
    int held = id < heldCount.length ? heldCount[id] : 0;
    for (int i = held - 1; i >= 0; i--) {
      if (heldLocks[id][i] == lock) {
        System.arraycopy(heldLocks[id], i + 1, heldLocks[id], i, held - 1 - i);
        System.arraycopy(heldClasses[id], i + 1, heldClasses[id], i, held - 1 - i);
        heldLocks[id][held - 1] = null;
        heldCount[id] = held - 1;
        return;
      }
    }
  }

  /** Records held -> taken; first checks whether taken already leads to held (a cycle). */
  private void newDependency(Actor actor, int held, int taken) {
    Site here = new Site(actor.name(), k.exec().now(), CallChain.of(4, Lockdep.class));
    List<Integer> path = path(taken, held);
    dependency[held][taken] = here;
    if (path == null || !reported.add(((long) Math.min(held, taken) << 32) | Math.max(held, taken))) {
      return;
    }
    StringBuilder chain = new StringBuilder();
    for (int i = 0; i + 1 < path.size(); i++) {
      int a = path.get(i);
      int b = path.get(i + 1);
      chain.append(i == 0 ? "" : "; ").append(classNames.get(a)).append(" -> ").append(classNames.get(b))
          .append(" first taken by ").append(dependency[a][b]);
    }
    String detail = actor.name() + " takes " + classNames.get(taken) + " while holding " + classNames.get(held)
        + " (" + here + "), but the reverse order is known: " + chain;
    k.log().warn("WARNING: possible circular locking dependency detected: " + classNames.get(held) + " -> "
        + classNames.get(taken) + " against " + classNames.get(taken) + " -> " + classNames.get(held));
    for (KernelObserver o : k.observers()) {
      o.lockInversion(detail);
    }
  }

  /** A path of recorded dependencies from class {@code from} to class {@code to}, or null. */
  private List<Integer> path(int from, int to) {
    int n = classNames.size();
    int[] prev = new int[n];
    Arrays.fill(prev, -1);
    prev[from] = from;
    int[] queue = new int[n];
    int head = 0;
    int tail = 0;
    queue[tail++] = from;
    while (head < tail) {
      int a = queue[head++];
      for (int b = 0; b < n; b++) {
        if (dependency[a][b] != null && prev[b] < 0) {
          prev[b] = a;
          if (b == to) {
            List<Integer> p = new ArrayList<>();
            for (int x = to; x != from; x = prev[x]) {
              p.add(0, x);
            }
            p.add(0, from);
            return p;
          }
          queue[tail++] = b;
        }
      }
    }
    return null;
  }
}
