package irqlab.kernel.cpu;

import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * An immutable set of CPU numbers, the model of the kernel's {@code struct cpumask}. Formats
 * as {@code %*pbl} does ("0-3,5"), which is what /proc/irq/N/smp_affinity_list prints.
 */
public final class CpuMask {
  public static final int MAX_CPUS = 1024;
  public static final CpuMask EMPTY = new CpuMask(new long[0]);

  private final long[] words;
  private final int hash;

  private CpuMask(long[] words) {
    int n = words.length;
    while (n > 0 && words[n - 1] == 0) {
      n--;
    }
    this.words = n == words.length ? words : Arrays.copyOf(words, n);
    this.hash = Arrays.hashCode(this.words);
  }

  public static CpuMask of(int... cpus) {
    long[] w = new long[0];
    for (int c : cpus) {
      check(c);
      if ((c >>> 6) >= w.length) {
        w = Arrays.copyOf(w, (c >>> 6) + 1);
      }
      w[c >>> 6] |= 1L << c;
    }
    return new CpuMask(w);
  }

  /** CPUs {@code from} to {@code to}, both included. */
  public static CpuMask range(int from, int to) {
    if (to < from) {
      return EMPTY;
    }
    check(from);
    check(to);
    long[] w = new long[(to >>> 6) + 1];
    for (int c = from; c <= to; c++) {
      w[c >>> 6] |= 1L << c;
    }
    return new CpuMask(w);
  }

  /** The first {@code n} CPUs. */
  public static CpuMask first(int n) {
    return range(0, n - 1);
  }

  private static void check(int cpu) {
    if (cpu < 0 || cpu >= MAX_CPUS) {
      throw new IllegalArgumentException("cpu " + cpu + " out of range 0.." + (MAX_CPUS - 1));
    }
  }

  public boolean contains(int cpu) {
    int w = cpu >>> 6;
    return cpu >= 0 && w < words.length && (words[w] & (1L << cpu)) != 0;
  }

  public boolean isEmpty() {
    return words.length == 0;
  }

  public int cardinality() {
    int n = 0;
    for (long w : words) {
      n += Long.bitCount(w);
    }
    return n;
  }

  /** The lowest CPU, or -1 when empty. */
  public int firstCpu() {
    return nextCpu(0);
  }

  /** The lowest CPU >= {@code from}, or -1. */
  public int nextCpu(int from) {
    if (from < 0) {
      from = 0;
    }
    int w = from >>> 6;
    if (w >= words.length) {
      return -1;
    }
    long word = words[w] & (-1L << from);
    while (true) {
      if (word != 0) {
        return (w << 6) + Long.numberOfTrailingZeros(word);
      }
      if (++w == words.length) {
        return -1;
      }
      word = words[w];
    }
  }

  /** The highest CPU, or -1 when empty. */
  public int lastCpu() {
    if (words.length == 0) {
      return -1;
    }
    int w = words.length - 1;
    return (w << 6) + 63 - Long.numberOfLeadingZeros(words[w]);
  }

  public void forEach(IntConsumer action) {
    for (int c = nextCpu(0); c >= 0; c = nextCpu(c + 1)) {
      action.accept(c);
    }
  }

  public int[] toArray() {
    int[] out = new int[cardinality()];
    int i = 0;
    for (int c = nextCpu(0); c >= 0; c = nextCpu(c + 1)) {
      out[i++] = c;
    }
    return out;
  }

  public CpuMask and(CpuMask o) {
    // Masks are immutable: when one side holds the other, that one is the answer, unallocated.
    if (o == this || isSubsetOf(o)) {
      return this;
    }
    if (o.isSubsetOf(this)) {
      return o;
    }
    long[] w = new long[Math.min(words.length, o.words.length)];
    for (int i = 0; i < w.length; i++) {
      w[i] = words[i] & o.words[i];
    }
    return new CpuMask(w);
  }

  public CpuMask or(CpuMask o) {
    long[] w = Arrays.copyOf(words, Math.max(words.length, o.words.length));
    for (int i = 0; i < o.words.length; i++) {
      w[i] |= o.words[i];
    }
    return new CpuMask(w);
  }

  public CpuMask andNot(CpuMask o) {
    long[] w = words.clone();
    for (int i = 0; i < Math.min(w.length, o.words.length); i++) {
      w[i] &= ~o.words[i];
    }
    return new CpuMask(w);
  }

  public CpuMask with(int cpu) {
    return or(of(cpu));
  }

  public CpuMask without(int cpu) {
    return andNot(of(cpu));
  }

  public boolean intersects(CpuMask o) {
    for (int i = 0; i < Math.min(words.length, o.words.length); i++) {
      if ((words[i] & o.words[i]) != 0) {
        return true;
      }
    }
    return false;
  }

  public boolean isSubsetOf(CpuMask o) {
    for (int i = 0; i < words.length; i++) {
      if ((words[i] & ~(i < o.words.length ? o.words[i] : 0)) != 0) {
        return false;
      }
    }
    return true;
  }

  /** Parses a cpulist ("0-3,5"), as written to /proc/irq/N/smp_affinity_list. */
  public static CpuMask parseList(String list) {
    String s = list.trim();
    if (s.isEmpty()) {
      return EMPTY;
    }
    CpuMask m = EMPTY;
    for (String part : s.split(",")) {
      String p = part.trim();
      int dash = p.indexOf('-');
      try {
        if (dash < 0) {
          m = m.or(of(Integer.parseInt(p)));
        } else {
          int a = Integer.parseInt(p.substring(0, dash).trim());
          int b = Integer.parseInt(p.substring(dash + 1).trim());
          if (b < a) {
            throw new IllegalArgumentException("bad cpu range '" + p + "'");
          }
          m = m.or(range(a, b));
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad cpu list '" + list + "'");
      }
    }
    return m;
  }

  /** The {@code %*pbl} form: "0-3,5"; empty string for an empty mask. */
  public String toList() {
    StringBuilder sb = new StringBuilder();
    int c = nextCpu(0);
    while (c >= 0) {
      int end = c;
      while (contains(end + 1)) {
        end++;
      }
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(c);
      if (end > c) {
        sb.append('-').append(end);
      }
      c = nextCpu(end + 1);
    }
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CpuMask && Arrays.equals(words, ((CpuMask) o).words);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return toList();
  }
}
