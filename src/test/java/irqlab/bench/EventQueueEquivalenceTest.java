package irqlab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.exec.Actor;
import irqlab.exec.Event;
import irqlab.exec.EventQueue;
import irqlab.hw.cpu.LocalApic;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The performance edits of {@link EventQueue} (keys beside the events, sentinels, deferred removal
 * of the polled event) and {@link LocalApic} (cached highest IRR/ISR) checked against simple
 * reference models under random operations.
 */
class EventQueueEquivalenceTest {
  private static final Actor ACTOR = new Actor(0, "t", Actor.Kind.DEVICE, -1);

  private static final class E extends Event {
    final int id;

    E(int id) {
      super(ACTOR);
      this.id = id;
    }

    @Override
    public void run() {}
  }

  /** Reference: a sorted map keyed by (time, sequence); sequences as the queue assigns them. */
  private static final class Reference {
    final TreeMap<long[], E> map = new TreeMap<>((a, b) ->
        a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    final java.util.Map<E, long[]> keys = new java.util.HashMap<>();
    long seq;

    void add(E e, long t) {
      remove(e);
      long[] k = {t, seq++};
      map.put(k, e);
      keys.put(e, k);
    }

    boolean remove(E e) {
      long[] k = keys.remove(e);
      if (k == null) {
        return false;
      }
      map.remove(k);
      return true;
    }

    E poll() {
      var f = map.pollFirstEntry();
      if (f == null) {
        return null;
      }
      keys.remove(f.getValue());
      return f.getValue();
    }

    E peek() {
      return map.isEmpty() ? null : map.firstEntry().getValue();
    }
  }

  @Test
  void randomOperationsMatchTheReference() {
    for (long seed = 1; seed <= 20; seed++) {
      SplittableRandom rnd = new SplittableRandom(seed);
      EventQueue q = new EventQueue();
      Reference ref = new Reference();
      List<E> events = new ArrayList<>();
      int n = 1 + rnd.nextInt(300);
      for (int i = 0; i < n; i++) {
        events.add(new E(i));
      }
      long now = 0;
      E lastPolled = null;
      for (int step = 0; step < 20_000; step++) {
        int op = rnd.nextInt(100);
        // Few distinct times, so that ties (sequence order) are common.
        long t = now + rnd.nextInt(rnd.nextBoolean() ? 3 : 1000);
        if (op < 35) {
          E e = events.get(rnd.nextInt(n));
          q.add(e, t);
          ref.add(e, t);
        } else if (op < 55 && lastPolled != null) {
          // The periodic-source pattern: re-add the event just polled.
          q.add(lastPolled, t);
          ref.add(lastPolled, t);
          lastPolled = null;
        } else if (op < 85) {
          E a = (E) q.poll();
          E b = ref.poll();
          assertThat(a).isSameAs(b);
          if (a != null) {
            assertThat(a.isQueued()).isFalse();
            now = a.time();
          }
          lastPolled = a;
        } else if (op < 95) {
          E e = events.get(rnd.nextInt(n));
          assertThat(q.remove(e)).isEqualTo(ref.remove(e));
        } else {
          assertThat(q.peek()).isSameAs(ref.peek());
        }
        assertThat(q.size()).isEqualTo(ref.map.size());
        assertThat(q.isEmpty()).isEqualTo(ref.map.isEmpty());
        if (step % 97 == 0) {
          for (E e : events) {
            assertThat(e.isQueued()).isEqualTo(ref.keys.containsKey(e));
          }
        }
      }
      E a;
      while ((a = (E) q.poll()) != null) {
        assertThat(a).isSameAs(ref.poll());
      }
      assertThat(ref.poll()).isNull();
      assertThat(q.isEmpty()).isTrue();
    }
  }

  @Test
  void cancellingThePolledEventBeforeReaddingIsANoOp() {
    EventQueue q = new EventQueue();
    E a = new E(0);
    E b = new E(1);
    q.add(a, 10);
    q.add(b, 20);
    assertThat(q.poll()).isSameAs(a);
    assertThat(q.remove(a)).isFalse();
    assertThat(q.size()).isEqualTo(1);
    q.add(a, 30);
    assertThat(q.poll()).isSameAs(b);
    assertThat(q.poll()).isSameAs(a);
    assertThat(q.poll()).isNull();
  }

  @Test
  void localApicCachedPriorityMatchesTheBits() {
    SplittableRandom rnd = new SplittableRandom(7);
    LocalApic apic = new LocalApic(0);
    for (int step = 0; step < 100_000; step++) {
      int op = rnd.nextInt(10);
      if (op < 4) {
        apic.accept(32 + rnd.nextInt(224));
      } else if (op < 7) {
        apic.acknowledge();
      } else if (op < 9) {
        apic.eoi();
      } else {
        apic.clearPending(32 + rnd.nextInt(224));
      }
      int irr = -1;
      int isr = -1;
      for (int v = 0; v < 256; v++) {
        if (apic.irrPending(v)) {
          irr = v;
        }
        if (apic.inService(v)) {
          isr = v;
        }
      }
      assertThat(apic.highestPending()).isEqualTo(irr);
      assertThat(apic.highestInService()).isEqualTo(isr);
      assertThat(apic.hasDeliverable()).isEqualTo(irr >= 0 && (isr < 0 || (irr >>> 4) > (isr >>> 4)));
    }
  }
}
