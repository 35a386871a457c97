package irqlab.sim.explore;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Actor priorities for priority-based strategies, kept as an order from highest to lowest so that
 * picking the highest enabled actor usually looks at one actor: the one already running. Each new
 * actor draws a uniform priority in [0, 1), so the initial order is a uniform permutation; lowered
 * priorities (PCT's change points) are negative and stay below every drawn one.
 */
final class Priorities {
  private final SplittableRandom random;
  /** Priority per actor id. */
  private double[] value = new double[0];
  /** Actor ids from highest to lowest priority. */
  private int[] order = new int[0];
  private int n;

  Priorities(SplittableRandom random) {
    this.random = random;
  }

  int size() {
    return n;
  }

  /** Registers actors up to {@code count}; each new one lands at a uniformly random rank. */
  void see(int count) {
    if (count <= n) {
      return;
    }
    if (count > value.length) {
      int cap = Math.max(count, value.length * 2);
      value = Arrays.copyOf(value, cap);
      order = Arrays.copyOf(order, cap);
    }
    while (n < count) {
      int id = n;
      order[n++] = id;
      set(id, random.nextDouble());
    }
  }

  double get(int id) {
    return value[id];
  }

  /** Gives {@code id} priority {@code p} and moves it to its place in the order. */
  void set(int id, double p) {
    int i = 0;
    while (order[i] != id) {
      i++;
    }
    System.arraycopy(order, i + 1, order, i, n - i - 1);
    n--;
    int j = 0;
    while (j < n && value[order[j]] >= p) {
      j++;
    }
    System.arraycopy(order, j, order, j + 1, n - j);
    order[j] = id;
    value[id] = p;
    n++;
  }

  /** Gives {@code id} a fresh uniform priority in [0, 1). */
  void redraw(int id) {
    set(id, random.nextDouble());
  }

  /**
   * The enabled actor of highest priority, or -1. The clock held back by an actor's waiting work
   * passes its rank to that actor (priority inheritance), so a low actor cannot stop time for
   * those above it.
   */
  int highestEnabled(Decision d) {
    for (int i = 0; i < n; i++) {
      int id = order[i];
      if (d.enabled(id)) {
        return id;
      }
      if (id == 0) {
        int holder = d.clockHolder();
        if (holder >= 0) {
          return holder;
        }
      }
    }
    return -1;
  }

  /** Actor at rank {@code i} (0 = highest). */
  int at(int i) {
    return order[i];
  }
}
