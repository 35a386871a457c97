package irqlab.sim.explore;

import irqlab.exec.Access;
import irqlab.exec.Resource;
import java.nio.charset.StandardCharsets;
import java.util.IdentityHashMap;

/**
 * Names a step by what it touches rather than by its position in a schedule: an actor's n-th
 * access of a kind to one offset of a resource ("cpu1's first mmio write to msix[1].data"). Such a
 * name survives changes elsewhere in the schedule, which is what a shrunk schedule and an
 * exhaustive one need to replay from an id. The hash of a resource is taken from its name, so it
 * is the same in every run of a scenario.
 */
final class Sites {
  private final IdentityHashMap<Resource, Long> nameHashes = new IdentityHashMap<>();
  private final LongCounts occurrences = new LongCounts();

  /** The site hash of an access: resource name, offset and kind; 40 bits. */
  long site(Resource r, long offset, Access a) {
    Long h = nameHashes.get(r);
    if (h == null) {
      h = fnv(r.name());
      nameHashes.put(r, h);
    }
    return Seeds.mix(h ^ Seeds.mix(offset + 0x9E37L * (a.ordinal() + 1))) & ((1L << 40) - 1);
  }

  /** Counts one more access of {@code actor} at {@code site}; returns which occurrence it is. */
  int occurrence(int actor, long site) {
    return occurrences.increment(((long) actor << 40) | site);
  }

  private static long fnv(String s) {
    long h = 0xcbf29ce484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }
}
