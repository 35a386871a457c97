package irqlab.sim.explore;

import irqlab.exec.Access;
import irqlab.exec.Resource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
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
  private record Step(int actor, long site, int occurrence, long time, long unitKey, Access access, boolean armed) {}

  private final Sites sites = new Sites();
  private final IdentityHashMap<Resource, Long> names = new IdentityHashMap<>();
  private final List<Step> steps = new ArrayList<>();
  private final Map<Long, Long> orders = new HashMap<>();
  private Step[] pending = new Step[8];

  /** Called before the strategy decides: notes the site of the step the running actor arrived at. */
  public void before(Decision d) {
    int r = d.running();
    if (r < 0 || !d.arrived()) {
      return;
    }
    if (r >= pending.length) {
      pending = java.util.Arrays.copyOf(pending, Math.max(r + 1, pending.length * 2));
    }
    Resource res = d.resource(r);
    if (res == null) {
      pending[r] = null;
      return;
    }
    long site = sites.site(res, d.offset(r), d.access(r));
    int occ = sites.occurrence(r, site);
    long unitKey = Seeds.mix(nameHash(res) ^ d.unit(r));
    pending[r] = new Step(r, site, occ, 0, unitKey, d.access(r), false);
  }

  /** Called with the strategy's choice: that actor's noted step runs now. */
  public void after(Decision d, int x, boolean armed) {
    if (x < 0 || x >= pending.length || pending[x] == null) {
      return;
    }
    Step p = pending[x];
    pending[x] = null;
    steps.add(new Step(p.actor, p.site, p.occurrence, d.now(), p.unitKey, p.access, armed));
    long h = orders.getOrDefault(p.unitKey, p.unitKey);
    orders.put(p.unitKey, Seeds.mix(h * 31 + p.actor * 4L + p.access.ordinal()));
  }

  /** The order of accesses per unit, as one number. */
  public long signature() {
    long s = 0;
    for (long v : orders.values()) {
      s += Seeds.mix(v); // order-independent across units
    }
    return s;
  }

  /** Steps taken while armed that another actor's later access, within {@code lagNs}, conflicts with. */
  public List<DelaySchedule.Delay> candidates(long lagNs) {
    Map<Long, List<Integer>> byUnit = new HashMap<>();
    for (int i = 0; i < steps.size(); i++) {
      byUnit.computeIfAbsent(steps.get(i).unitKey, k -> new ArrayList<>()).add(i);
    }
    List<DelaySchedule.Delay> out = new ArrayList<>();
    java.util.Set<DelaySchedule.Delay> seen = new java.util.HashSet<>();
    for (List<Integer> idx : byUnit.values()) {
      for (int a = 0; a < idx.size(); a++) {
        Step s = steps.get(idx.get(a));
        if (!s.armed) {
          continue;
        }
        for (int b = a + 1; b < idx.size(); b++) {
          Step t = steps.get(idx.get(b));
          if (t.time > s.time + lagNs) {
            break;
          }
          if (t.actor != s.actor && s.access.conflicts(t.access)) {
            DelaySchedule.Delay dl = new DelaySchedule.Delay(s.actor, s.site, s.occurrence);
            if (seen.add(dl)) {
              out.add(dl);
            }
            break;
          }
        }
      }
    }
    // In the order the steps ran.
    Map<DelaySchedule.Delay, Integer> pos = new HashMap<>();
    for (int i = 0; i < steps.size(); i++) {
      Step s = steps.get(i);
      pos.putIfAbsent(new DelaySchedule.Delay(s.actor, s.site, s.occurrence), i);
    }
    out.sort((x, y) -> Integer.compare(pos.get(x), pos.get(y)));
    return out;
  }

  private long nameHash(Resource r) {
    Long h = names.get(r);
    if (h == null) {
      h = sites.site(r, 0, Access.SYNC);
      names.put(r, h);
    }
    return h;
  }
}
