package irqlab.sim;

import irqlab.hw.devices.QueueDevice;
import irqlab.kernel.irq.IrqDesc;
import irqlab.scenario.Durations;
import irqlab.sim.devices.Binding;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Completions whose signal never reached their own line: the device could not send it (MSI-X off
 * while a vfio resize re-enables it), or its message landed on no handler, on another line's
 * vector, on an offline CPU or in the remapping unit's fault log (a torn message). Under steady
 * traffic the queue's next completion usually brings an interrupt that serves the stranded work
 * too, so the quiescence check alone never sees these. The queue's next completion is the moment
 * to judge: if the stranded work is still unconsumed and nothing remembers it (no pending bit,
 * pending or disabled descriptor, IRR or in-service vector, handler running), its interrupt was
 * lost, exactly as at quiescence, and only the later work would have served it.
 *
 * <p>A line whose descriptor lock is held is in the middle of a change (a move's detour that
 * retriggers what landed astray, a shutdown): its queues are judged at a later completion. Judging
 * at the first later completion of the line, before its signal, keeps what that later work brings
 * (a pending bit, an IRR bit) from counting as remembering the earlier work.
 */
final class MissedSignals {
  /** Per device: the queue whose completion is signalling now, and what each queue left stranded. */
  private static final class Queues {
    int signalling = -1;
    String astray;
    final String[] stranded;
    final long[] since;
    int count;

    Queues(int n) {
      stranded = new String[n];
      since = new long[n];
    }
  }

  private final Map<QueueDevice, Queues> byDevice = new IdentityHashMap<>();
  private QueueDevice lastDevice;
  private Queues last;
  private final java.util.Set<String> reported = new java.util.HashSet<>();

  private Queues of(QueueDevice d) {
    if (d != lastDevice) {
      last = byDevice.computeIfAbsent(d, x -> new Queues(x.queues()));
      lastDevice = d;
    }
    return last;
  }

  /**
   * {@code device} completed work on {@code queue} and is about to signal it: judges the queues of
   * the same line that a signal missed before.
   */
  void signalling(QueueDevice device, int queue, long now, Oracle o) {
    Queues s = of(device);
    if (s.count > 0) {
      // The binding is looked up only when something is stranded: never on the common path.
      Binding b = o.bindingOfDevice(device);
      if (b != null) {
        judge(device, queue, now, b, s, o);
      }
    }
    s.signalling = queue;
    s.astray = null;
  }

  private void judge(QueueDevice device, int queue, long now, Binding b, Queues s, Oracle o) {
    int entry = device.vectorSelect(queue);
    for (int q = 0; q < s.stranded.length && s.count > 0; q++) {
      if (s.stranded[q] == null || device.vectorSelect(q) != entry) {
        continue;
      }
      if (device.outstanding(q) <= (q == queue ? 1 : 0)) {
        clear(s, q); // consumed meanwhile
        continue;
      }
      IrqDesc line = b.irqOfEntry(entry);
      if (line != null && line.lock().isLocked()) {
        continue; // mid-change: judged at a later completion
      }
      if (!b.remembered(q, true) && reported.add(device.id() + "/" + q)) {
        o.lostInterrupt(device.id() + " queue " + q + ": a completion at " + Durations.format(s.since[q])
            + " got no interrupt (" + s.stranded[q] + ") and was still unconsumed, with nothing pending,"
            + " when the queue completed again at " + Durations.format(now)
            + (line == null ? " (" + b.name(entry) + " has no interrupt now)" : " (" + b.name(entry) + ", irq " + line.irq() + ")"));
      }
      clear(s, q);
    }
  }

  private static void clear(Queues s, int q) {
    s.stranded[q] = null;
    s.count--;
  }

  /** The signal of the completion {@code device} is making went astray, for reason {@code why}. */
  void astray(QueueDevice device, String why) {
    Queues s = byDevice.get(device);
    if (s != null && s.signalling >= 0 && s.astray == null) {
      s.astray = why;
    }
  }

  /** The signal of {@code queue}'s completion is over: if it went astray the work is stranded. */
  void signalled(QueueDevice device, int queue, long now) {
    Queues s = of(device);
    if (s.astray != null && s.stranded[queue] == null) {
      s.stranded[queue] = s.astray;
      s.since[queue] = now;
      s.count++;
    }
    s.signalling = -1;
    s.astray = null;
  }

  /** The driver consumed work of {@code queue}: nothing of it is stranded once it is all gone. */
  void drained(QueueDevice device, int queue) {
    Queues s = device == lastDevice ? last : byDevice.get(device);
    if (s != null && s.stranded[queue] != null && device.outstanding(queue) == 0) {
      clear(s, queue);
    }
  }
}
