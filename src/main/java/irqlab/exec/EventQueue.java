package irqlab.exec;

import java.util.Arrays;

/**
 * A binary min-heap of events keyed by (time, sequence). Indexed so that an event can be
 * cancelled; hand-written because {@link java.util.PriorityQueue} allocates per insertion and
 * cannot remove in O(log n).
 *
 * <p>The keys are kept beside the events in primitive arrays, so sifting compares without loading
 * the events, and the slots past the end hold a sentinel key that sorts after every real one, so a
 * sift need not check whether a right child exists. Picking the smaller child compares times only
 * (a branch-free select); sequences are read only on a tie. The (time, sequence) order is total,
 * so the order events leave the queue does not depend on the heap's layout.
 *
 * <p>A polled event stays in the root slot, detached (no longer queued, {@link Event#isQueued}
 * false), until the next operation: if that is the same event being added again, as a periodic
 * source rescheduling itself from its own run does, its new key simply sifts down from the root,
 * one sift instead of a removal and an insertion; any other operation first completes the removal.
 */
public final class EventQueue {
  private static final long SENTINEL = Long.MAX_VALUE;
  private Event[] heap = new Event[64];
  private long[] times = sentinels(64);
  private long[] seqs = sentinels(64);
  private int size;
  private long nextSeq;
  /** The polled event still occupying slot 0, or null. */
  private Event detached;

  /** Completes a deferred removal of the polled event. */
  private void settle() {
    if (detached != null) {
      detached = null;
      removeAt(0);
    }
  }

  private static long[] sentinels(int n) {
    long[] a = new long[n];
    Arrays.fill(a, SENTINEL);
    return a;
  }

  public int size() {
    return detached == null ? size : size - 1;
  }

  public boolean isEmpty() {
    return size() == 0;
  }

  /** Queues {@code e} at {@code time}; an already queued event is moved. */
  public void add(Event e, long time) {
    if (detached != null) {
      if (e == detached) {
        // Re-adding the event just polled: replace the root's key and sift it down.
        detached = null;
        long seq = nextSeq++;
        e.time = time;
        e.seq = seq;
        siftDown(0, e, time, seq);
        return;
      }
      settle();
    }
    if (e.heapIndex >= 0) {
      remove(e);
    }
    long seq = nextSeq++;
    e.time = time;
    e.seq = seq;
    if (size + 2 >= heap.length) {
      // Keep at least one sentinel slot past the last element (the right child of a sift).
      int old = heap.length;
      int n = old * 2;
      heap = Arrays.copyOf(heap, n);
      times = Arrays.copyOf(times, n);
      seqs = Arrays.copyOf(seqs, n);
      Arrays.fill(times, old, n, SENTINEL);
      Arrays.fill(seqs, old, n, SENTINEL);
    }
    siftUp(size++, e, time, seq);
  }

  public Event peek() {
    settle();
    return size == 0 ? null : heap[0];
  }

  public Event poll() {
    settle();
    if (size == 0) {
      return null;
    }
    Event top = heap[0];
    top.heapIndex = -1;
    detached = top;
    return top;
  }

  public boolean remove(Event e) {
    settle();
    int i = e.heapIndex;
    if (i < 0 || i >= size || heap[i] != e) {
      return false;
    }
    removeAt(i);
    return true;
  }

  private void removeAt(int i) {
    heap[i].heapIndex = -1;
    int last = --size;
    Event e = heap[last];
    long t = times[last];
    long s = seqs[last];
    heap[last] = null;
    times[last] = SENTINEL;
    seqs[last] = SENTINEL;
    if (i == last) {
      return;
    }
    if (siftDown(i, e, t, s) == i) {
      siftUp(i, e, t, s);
    }
  }

  /** Places {@code e}, keyed (t, s), at slot {@code i} or above it. */
  private void siftUp(int i, Event e, long t, long s) {
    Event[] h = heap;
    long[] ts = times;
    long[] ss = seqs;
    while (i > 0) {
      int p = (i - 1) >>> 1;
      long pt = ts[p];
      if (t > pt || (t == pt && s > ss[p])) {
        break;
      }
      Event pe = h[p];
      h[i] = pe;
      ts[i] = pt;
      ss[i] = ss[p];
      pe.heapIndex = i;
      i = p;
    }
    h[i] = e;
    ts[i] = t;
    ss[i] = s;
    e.heapIndex = i;
  }

  /** Places {@code e}, keyed (t, s), at slot {@code i} or below it; returns its slot. */
  private int siftDown(int i, Event e, long t, long s) {
    Event[] h = heap;
    long[] ts = times;
    long[] ss = seqs;
    int n = size;
    int c;
    while ((c = 2 * i + 1) < n) {
      long lt = ts[c];
      long rt = ts[c + 1]; // a sentinel when c is the last element
      if (rt == lt) {
        if (ss[c + 1] < ss[c]) {
          c++;
        }
      } else {
        c += rt < lt ? 1 : 0;
      }
      long ct = ts[c];
      long cs = ss[c];
      if (t < ct || (t == ct && s < cs)) {
        break;
      }
      Event ce = h[c];
      h[i] = ce;
      ts[i] = ct;
      ss[i] = cs;
      ce.heapIndex = i;
      i = c;
    }
    h[i] = e;
    ts[i] = t;
    ss[i] = s;
    e.heapIndex = i;
    return i;
  }
}
