package irqlab.exec;

import java.util.Arrays;

/**
 * A binary min-heap of events keyed by (time, sequence). Indexed so that an event can be
 * cancelled; hand-written because {@link java.util.PriorityQueue} allocates per insertion and
 * cannot remove in O(log n).
 */
public final class EventQueue {
  private Event[] heap = new Event[64];
  private int size;
  private long nextSeq;

  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  /** Queues {@code e} at {@code time}; an already queued event is moved. */
  public void add(Event e, long time) {
    if (e.heapIndex >= 0) {
      remove(e);
    }
    e.time = time;
    e.seq = nextSeq++;
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size * 2);
    }
    heap[size] = e;
    e.heapIndex = size;
    siftUp(size++);
  }

  public Event peek() {
    return size == 0 ? null : heap[0];
  }

  public Event poll() {
    if (size == 0) {
      return null;
    }
    Event top = heap[0];
    removeAt(0);
    return top;
  }

  public boolean remove(Event e) {
    int i = e.heapIndex;
    if (i < 0 || i >= size || heap[i] != e) {
      return false;
    }
    removeAt(i);
    return true;
  }

  private void removeAt(int i) {
    Event gone = heap[i];
    gone.heapIndex = -1;
    size--;
    if (i == size) {
      heap[size] = null;
      return;
    }
    Event last = heap[size];
    heap[size] = null;
    heap[i] = last;
    last.heapIndex = i;
    siftDown(i);
    if (heap[i] == last) {
      siftUp(i);
    }
  }

  private static boolean less(Event a, Event b) {
    return a.time < b.time || (a.time == b.time && a.seq < b.seq);
  }

  private void siftUp(int i) {
    Event e = heap[i];
    while (i > 0) {
      int p = (i - 1) >>> 1;
      Event pe = heap[p];
      if (!less(e, pe)) {
        break;
      }
      heap[i] = pe;
      pe.heapIndex = i;
      i = p;
    }
    heap[i] = e;
    e.heapIndex = i;
  }

  private void siftDown(int i) {
    Event e = heap[i];
    int half = size >>> 1;
    while (i < half) {
      int c = 2 * i + 1;
      Event ce = heap[c];
      int r = c + 1;
      if (r < size && less(heap[r], ce)) {
        c = r;
        ce = heap[c];
      }
      if (!less(ce, e)) {
        break;
      }
      heap[i] = ce;
      ce.heapIndex = i;
      i = c;
    }
    heap[i] = e;
    e.heapIndex = i;
  }
}
