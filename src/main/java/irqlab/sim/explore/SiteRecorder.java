package irqlab.sim.explore;

import irqlab.exec.Access;
import irqlab.exec.Resource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Watches the steps a schedule takes, for the exhaustive strategy: which steps could be delayed
 * to reorder two conflicting accesses (a later access by another actor to the same unit, not both
 * reads, within the time a delay may last), and a signature of the order conflicting accesses
 * happened in, unit by unit (two runs with the same signature are the same interleaving of
 * conflicting steps). Names steps by site as {@link DelaySchedule} does.
 */
public final class SiteRecorder {
  private final Sites sites = new Sites();
  /** Whether to keep the signature (the exhaustive strategy) or only the steps. */
  private final boolean ordered;
  private final Map<Long, Long> orders = new HashMap<>();
  // The steps taken, one column per field: a baseline of two million steps stays small.
  private int count;
  private int[] actor = new int[1024];
  private long[] site = new long[1024];
  private int[] occurrence = new int[1024];
  private long[] time = new long[1024];
  private long[] unitKey = new long[1024];
  private byte[] access = new byte[1024];
  private boolean[] armed = new boolean[1024];
  // Per actor, the step it arrived at and has not taken yet.
  private boolean[] pending = new boolean[8];
  private long[] pendingSite = new long[8];
  private int[] pendingOccurrence = new int[8];
  private long[] pendingUnit = new long[8];
  private byte[] pendingAccess = new byte[8];
  private static final Access[] ACCESSES = Access.values();

  /** A recorder of steps and of the order of conflicting accesses. */
  public SiteRecorder() {
    this(true);
  }

  private SiteRecorder(boolean ordered) {
    this.ordered = ordered;
  }

  /** A recorder of the steps alone ({@link #signature()} is not kept). */
  public static SiteRecorder stepsOnly() {
    return new SiteRecorder(false);
  }

  /** {@code inner}'s schedule with every step it takes recorded here. */
  public Strategy watching(Strategy inner) {
    return new Strategy() {
      @Override
      public String name() {
        return inner.name();
      }

      @Override
      public long modelSeed(long scheduleSeed) {
        return inner.modelSeed(scheduleSeed);
      }

      @Override
      public int pick(Decision d) {
        before(d);
        int x = inner.pick(d);
        after(d, x, true);
        return x;
      }
    };
  }

  /** Called before the strategy decides: notes the site of the step the running actor arrived at. */
  public void before(Decision d) {
    int r = d.running();
    if (r < 0 || !d.arrived()) {
      return;
    }
    if (r >= pending.length) {
      int c = Math.max(r + 1, pending.length * 2);
      pending = Arrays.copyOf(pending, c);
      pendingSite = Arrays.copyOf(pendingSite, c);
      pendingOccurrence = Arrays.copyOf(pendingOccurrence, c);
      pendingUnit = Arrays.copyOf(pendingUnit, c);
      pendingAccess = Arrays.copyOf(pendingAccess, c);
    }
    Resource res = d.resource(r);
    if (res == null) {
      pending[r] = false;
      return;
    }
    long st = sites.site(res, d.offset(r), d.access(r));
    pending[r] = true;
    pendingSite[r] = st;
    pendingOccurrence[r] = sites.occurrence(r, st);
    pendingUnit[r] = unitKey(sites, res, d.unit(r));
    pendingAccess[r] = (byte) d.access(r).ordinal();
  }

  /** Called with the strategy's choice: that actor's noted step runs now. */
  public void after(Decision d, int x, boolean isArmed) {
    if (x < 0 || x >= pending.length || !pending[x]) {
      return;
    }
    pending[x] = false;
    if (count == actor.length) {
      int c = count * 2;
      actor = Arrays.copyOf(actor, c);
      site = Arrays.copyOf(site, c);
      occurrence = Arrays.copyOf(occurrence, c);
      time = Arrays.copyOf(time, c);
      unitKey = Arrays.copyOf(unitKey, c);
      access = Arrays.copyOf(access, c);
      armed = Arrays.copyOf(armed, c);
    }
    int i = count++;
    actor[i] = x;
    site[i] = pendingSite[x];
    occurrence[i] = pendingOccurrence[x];
    time[i] = d.now();
    unitKey[i] = pendingUnit[x];
    access[i] = pendingAccess[x];
    armed[i] = isArmed;
    if (ordered) {
      long u = pendingUnit[x];
      long h = orders.getOrDefault(u, u);
      orders.put(u, Seeds.mix(h * 31 + x * 4L + pendingAccess[x]));
    }
  }

  /** The order of accesses per unit, as one number. */
  public long signature() {
    long s = 0;
    for (long v : orders.values()) {
      s += Seeds.mix(v); // order-independent across units
    }
    return s;
  }

  private boolean conflicts(int a, int b) {
    return ACCESSES[access[a]].conflicts(ACCESSES[access[b]]);
  }

  private DelaySchedule.Delay delayAt(int i) {
    return new DelaySchedule.Delay(actor[i], site[i], occurrence[i]);
  }

  /** The steps of each unit, in the order taken; only units {@code keep} accepts. */
  private Map<Long, int[]> byUnit(java.util.function.LongPredicate keep) {
    Map<Long, int[]> m = new HashMap<>(); // [0] = size, then step indexes
    for (int i = 0; i < count; i++) {
      long u = unitKey[i];
      if (!keep.test(u)) {
        continue;
      }
      int[] l = m.get(u);
      if (l == null) {
        l = new int[8];
        m.put(u, l);
      } else if (l[0] + 1 == l.length) {
        l = Arrays.copyOf(l, l.length * 2);
        m.put(u, l);
      }
      l[++l[0]] = i;
    }
    return m;
  }

  /** Steps taken while armed that another actor's later access, within {@code lagNs}, conflicts with. */
  public List<DelaySchedule.Delay> candidates(long lagNs) {
    java.util.TreeSet<Integer> picked = new java.util.TreeSet<>();
    for (int[] idx : byUnit(u -> true).values()) {
      for (int a = 1; a <= idx[0]; a++) {
        int s = idx[a];
        if (!armed[s]) {
          continue;
        }
        for (int b = a + 1; b <= idx[0]; b++) {
          int t = idx[b];
          if (time[t] > time[s] + lagNs) {
            break;
          }
          if (actor[t] != actor[s] && conflicts(s, t)) {
            picked.add(s);
            break;
          }
        }
      }
    }
    // In the order the steps ran; a step's place is its own (its occurrence counts its site).
    List<DelaySchedule.Delay> out = new ArrayList<>();
    for (int i : picked) {
      out.add(delayAt(i));
    }
    return out;
  }

  /**
   * The units on which one actor's access was followed, within {@code lagNs}, by another actor's
   * conflicting access: the only places where delaying an access can reorder two conflicting ones.
   * A delay anywhere else only moves time (the offline path's hundred locks of descriptors no one
   * else touches), so the focused schedules of the default strategy delay only here.
   */
  LongCounts contendedUnits(long lagNs) {
    LongCounts out = new LongCounts();
    for (Map.Entry<Long, int[]> e : byUnit(u -> true).entrySet()) {
      int[] idx = e.getValue();
      found:
      for (int a = 1; a <= idx[0]; a++) {
        int s = idx[a];
        for (int b = a + 1; b <= idx[0]; b++) {
          int t = idx[b];
          if (time[t] > time[s] + lagNs) {
            break;
          }
          if (actor[t] != actor[s] && conflicts(s, t)) {
            out.increment(e.getKey());
            break found;
          }
        }
      }
    }
    return out;
  }

  /** The aimed places around rare writes and the contended units, for the default strategy. */
  public RaceTargets targets(long lagNs, int rare, long runSeed) {
    return RaceTargets.of(rareCandidates(lagNs, rare), contendedUnits(lagNs), runSeed);
  }

  /** The conflict unit of an access, named as {@link #contendedUnits} names it. */
  static long unitKey(Sites sites, Resource r, long unit) {
    return Seeds.mix(sites.site(r, 0, Access.SYNC) ^ unit);
  }

  /**
   * The steps around rare writes: a write to a unit by an actor that makes at most {@code rare}
   * writes to it in the whole run, and another actor's access to that unit within {@code lagNs}
   * before it (delayed, it sees the write) or after it (the write itself, delayed, lets that access
   * go first). One group per rare write, in the order the writes ran: the write itself first when
   * another actor's access follows it, then the others' steps before it, the closest first.
   */
  public List<List<DelaySchedule.Delay>> rareCandidates(long lagNs, int rare) {
    LongCounts writes = new LongCounts();
    for (int i = 0; i < count; i++) {
      if (access[i] != Access.READ.ordinal()) {
        writes.increment(Seeds.mix(unitKey[i] * 31 + actor[i]));
      }
    }
    LongCounts rareUnits = new LongCounts();
    for (int i = 0; i < count; i++) {
      if (access[i] != Access.READ.ordinal() && writes.get(Seeds.mix(unitKey[i] * 31 + actor[i])) <= rare) {
        rareUnits.increment(unitKey[i]);
      }
    }
    java.util.TreeMap<Integer, List<DelaySchedule.Delay>> groups = new java.util.TreeMap<>();
    for (int[] idx : byUnit(u -> rareUnits.get(u) > 0).values()) {
      for (int b = 1; b <= idx[0]; b++) {
        int t = idx[b];
        if (access[t] == Access.READ.ordinal() || writes.get(Seeds.mix(unitKey[t] * 31 + actor[t])) > rare) {
          continue;
        }
        List<DelaySchedule.Delay> g = new ArrayList<>();
        // The write itself when another actor's access follows it (a writer stopped half way) ...
        for (int c = b + 1; c <= idx[0]; c++) {
          int u = idx[c];
          if (time[u] > time[t] + lagNs) {
            break;
          }
          if (actor[u] != actor[t]) {
            g.add(delayAt(t));
            break;
          }
        }
        // ... and the steps of other actors just before it (a reader stopped on what it frees).
        for (int a = b - 1; a >= 1; a--) {
          int s = idx[a];
          if (time[s] < time[t] - lagNs) {
            break;
          }
          if (actor[s] != actor[t]) {
            g.add(delayAt(s));
          }
        }
        if (!g.isEmpty()) {
          groups.put(t, g);
        }
      }
    }
    return new ArrayList<>(groups.values());
  }
}
