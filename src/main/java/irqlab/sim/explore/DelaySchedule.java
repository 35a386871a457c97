package irqlab.sim.explore;

import irqlab.exec.Resource;
import java.util.ArrayList;
import java.util.List;

/**
 * A schedule given by a few delays: actors run in a fixed order (the lowest actor id first, the
 * clock last, so time moves only when nothing else can run, as in run mode), except that at each
 * listed site the actor is delayed until another actor makes an access that conflicts with the
 * one it is about to make, or until it must run. What shrinking reduces a failure to, and what the
 * exhaustive strategy enumerates. Its name lists the delays, so its id replays it:
 * {@code delays-3.5k2j9x1.1-5.a8d0p2.2} delays actor 3 at the first occurrence of site 5k2j9x1
 * and actor 5 at the second of a8d0p2; {@code delays} alone delays nothing. A delay ending in
 * {@code h} holds its actor past conflicting accesses, until it must run.
 */
public final class DelaySchedule implements Strategy {
  public static final String PREFIX = "delays";

  /**
   * One delay: {@code actor} before its {@code occurrence}-th access at {@code site}; until
   * another actor's access conflicts with it, or, {@code through}, past such accesses until it must
   * run (written with an {@code h}, held: {@code 3.5k2j9x1.1h}).
   */
  public record Delay(int actor, long site, int occurrence, boolean through) implements Comparable<Delay> {
    /** A delay until the first conflicting access. */
    public Delay(int actor, long site, int occurrence) {
      this(actor, site, occurrence, false);
    }

    /** The same place, held through conflicting accesses. */
    public Delay held() {
      return new Delay(actor, site, occurrence, true);
    }

    @Override
    public String toString() {
      return actor + "." + Long.toString(site, 36) + "." + occurrence + (through ? "h" : "");
    }

    @Override
    public int compareTo(Delay o) {
      int c = Integer.compare(actor, o.actor);
      if (c == 0) {
        c = Long.compare(site, o.site);
      }
      if (c == 0) {
        c = Integer.compare(occurrence, o.occurrence);
      }
      return c != 0 ? c : Boolean.compare(through, o.through);
    }

    static Delay parse(String s) {
      String[] p = s.split("\\.");
      if (p.length != 3) {
        throw new IllegalArgumentException("bad delay " + s + ": expected ACTOR.SITE.OCCURRENCE");
      }
      boolean through = p[2].endsWith("h");
      String occ = through ? p[2].substring(0, p[2].length() - 1) : p[2];
      Delay d = new Delay(Integer.parseInt(p[0]), Long.parseLong(p[1], 36), Integer.parseInt(occ), through);
      if (d.actor < 1 || d.occurrence < 1 || d.site < 0 || !d.toString().equals(s)) {
        throw new IllegalArgumentException("bad delay " + s);
      }
      return d;
    }
  }

  private final List<Delay> delays;
  private final String name;
  private final Sites sites = new Sites();
  private final DelayedActors held = new DelayedActors();
  private int applied;

  public DelaySchedule(List<Delay> delays) {
    List<Delay> sorted = new ArrayList<>(delays);
    sorted.sort(null);
    this.delays = List.copyOf(sorted);
    StringBuilder sb = new StringBuilder(PREFIX);
    for (Delay d : this.delays) {
      sb.append('-').append(d);
    }
    this.name = sb.toString();
  }

  /** Parses a name made by {@link #name()}. */
  public static DelaySchedule parse(String name) {
    if (!name.equals(PREFIX) && !name.startsWith(PREFIX + "-")) {
      throw new IllegalArgumentException("not a delay schedule: " + name);
    }
    List<Delay> ds = new ArrayList<>();
    if (!name.equals(PREFIX)) {
      try {
        for (String part : name.substring(PREFIX.length() + 1).split("-")) {
          ds.add(Delay.parse(part));
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad delay schedule " + name + ": " + e.getMessage());
      }
    }
    return new DelaySchedule(ds);
  }

  public List<Delay> delays() {
    return delays;
  }

  /** Delays that took effect (a listed site may never be reached). */
  public int applied() {
    return applied;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int pick(Decision d) {
    int n = d.actorCount();
    held.begin(n);
    int r = d.running();
    if (r >= 0 && d.arrived() && !held.isDelayed(r) && !delays.isEmpty() && d.resource(r) != null) {
      long site = sites.site(d.resource(r), d.offset(r), d.access(r));
      Delay here = new Delay(r, site, sites.occurrence(r, site));
      boolean until = delays.contains(here);
      if (until || delays.contains(here.held())) {
        held.delay(r, d, !until);
        applied++;
      }
    }
    int x = choose(d, n);
    held.chosen(x, d);
    return x;
  }

  private int choose(Decision d, int n) {
    for (int id = 1; id < n; id++) {
      if (!held.isDelayed(id) && d.enabled(id)) {
        return id;
      }
    }
    if (d.enabled(0)) {
      return 0;
    }
    int holder = d.clockHolder();
    if (holder >= 0) {
      return holder;
    }
    for (int id = 1; id < n; id++) {
      if (held.isDelayed(id) && d.enabled(id)) {
        return id;
      }
    }
    return -1;
  }

  /** Records where actors were preempted: the sites a failing schedule's shrink may delay. */
  public static final class Recorder implements Strategy {
    /** A preemption: {@code delay} at virtual time {@code timeNs}. */
    public record Preemption(Delay delay, long timeNs) {}

    private final Strategy inner;
    private final Sites sites = new Sites();
    private final List<Preemption> seen = new ArrayList<>();

    public Recorder(Strategy inner) {
      this.inner = inner;
    }

    @Override
    public String name() {
      return inner.name();
    }

    @Override
    public long modelSeed(long scheduleSeed) {
      return inner.modelSeed(scheduleSeed);
    }

    private Delay pending;

    @Override
    public int pick(Decision d) {
      int r = d.running();
      if (d.arrived()) {
        pending = null;
        Resource res = r >= 0 ? d.resource(r) : null;
        if (res != null) {
          long site = sites.site(res, d.offset(r), d.access(r));
          pending = new Delay(r, site, sites.occurrence(r, site));
        }
      }
      int x = inner.pick(d);
      if (pending != null && x >= 0 && x != r) {
        seen.add(new Preemption(pending, d.now()));
        pending = null;
      }
      return x;
    }

    public List<Preemption> preemptions() {
      return seen;
    }
  }
}
