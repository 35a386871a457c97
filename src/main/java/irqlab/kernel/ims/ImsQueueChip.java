package irqlab.kernel.ims;

import irqlab.exec.Event;
import irqlab.exec.Mutex;
import irqlab.kernel.Errno;
import irqlab.kernel.Kernel;
import irqlab.kernel.KernelException;
import irqlab.kernel.Variants;
import irqlab.kernel.irq.IrqChip;
import irqlab.kernel.irq.IrqData;
import irqlab.kernel.msi.MsiDesc;
import irqlab.kernel.msi.MsiMsg;
import irqlab.kernel.pci.PciIms;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The chip of queue-memory IMS (the storage variant the v6.2 IMS patch describes: message and mask
 * in the queue's context in host memory, which the device caches). No callback may touch the
 * context itself: mask, unmask, write_msi_msg, startup, shutdown and disable only edit a shadow of
 * what the queue should look like, and {@link #busSyncUnlock} sends the device the commands that
 * make the shadow true, waiting for each (so it may sleep). Changes made outside a bus-locked
 * section (an affinity change, a deferred move in a hard interrupt) are pushed by a work item.
 * Disable masks at once rather than lazily, since a flow handler's mask could not be pushed.
 *
 * <p>The descriptor's cookie is the queue id: the context is the queue's own, the IMS index only
 * the MSI core's handle.
 */
public final class ImsQueueChip extends IrqChip implements PciIms.DescPreparer {
  /** The template's chip name: "IR-PCI-IDXD-QMEM-&lt;bdf&gt;" under remapping. */
  public static final String NAME = "PCI-IDXD-QMEM";
  private static final Set<Op> OPS = EnumSet.of(Op.MASK, Op.UNMASK, Op.WRITE_MSI_MSG, Op.STARTUP,
      Op.SHUTDOWN, Op.DISABLE, Op.BUS_LOCK, Op.BUS_SYNC_UNLOCK);

  /** One queue's interrupt: the shadow the kernel wants, and what the device was last told. */
  private static final class Slot {
    final int queue;
    MsiMsg msg;
    boolean masked = true;
    boolean started;
    MsiMsg devMsg;
    boolean devMasked = true;
    boolean devStarted;
    boolean queued;

    Slot(int queue) {
      this.queue = queue;
    }

    boolean inSync() {
      return started == devStarted && (!started || (masked == devMasked && Objects.equals(msg, devMsg)));
    }
  }

  private final Kernel k;
  private final ImsQueueCommands device;
  private final Mutex bus;
  private final ArrayDeque<Slot> dirty = new ArrayDeque<>();
  private final Event work;
  private Slot[] slots = new Slot[16];
  private long commandsFailed;

  public ImsQueueChip(Kernel k, ImsQueueCommands device, String busName) {
    super(NAME, FLAG_ONESHOT_SAFE);
    this.k = k;
    this.device = device;
    this.bus = new Mutex(k.exec(), busName);
    this.work = new Event(device.worker()) {
      @Override
      public void run() {
        applyQueued();
      }
    };
  }

  @Override
  public boolean has(Op op) {
    return OPS.contains(op);
  }

  /** The template's prepare_desc: the queue named by the cookie owns this interrupt. */
  @Override
  public void prepareDesc(MsiDesc desc) {
    int i = desc.msiIndex();
    if (i >= slots.length) {
      slots = Arrays.copyOf(slots, Math.max(slots.length * 2, i + 1));
    }
    slots[i] = new Slot((int) desc.cookie());
  }

  private Slot slot(IrqData d) {
    return slots[((MsiDesc) d.desc().msiDesc()).msiIndex()];
  }

  // ---- the shadow ----

  @Override
  public void mask(IrqData d) {
    changed(slot(d)).masked = true;
  }

  @Override
  public void unmask(IrqData d) {
    changed(slot(d)).masked = false;
  }

  /** irq_disable: not lazy, the mask goes out with disable_irq's bus sync unlock. */
  @Override
  public void disable(IrqData d) {
    mask(d);
  }

  @Override
  public void writeMsiMsg(IrqData d, MsiMsg msg) {
    changed(slot(d)).msg = msg;
    ((MsiDesc) d.desc().msiDesc()).setMsg(msg);
  }

  @Override
  public void startup(IrqData d) {
    Slot s = changed(slot(d));
    s.started = true;
    s.masked = false;
  }

  @Override
  public void shutdown(IrqData d) {
    Slot s = changed(slot(d));
    s.started = false;
    s.masked = true;
  }

  /** A change outside a bus-locked section of the current actor is left to the work item. */
  private Slot changed(Slot s) {
    if (bus.owner() != k.exec().current() && !s.queued) {
      s.queued = true;
      dirty.add(s);
      if (!work.isQueued()) {
        k.exec().schedule(work, k.exec().now());
      }
    }
    return s;
  }

  // ---- the slow bus ----

  /** irq_bus_lock: the device's command bus, a mutex (may sleep). */
  @Override
  public void busLock(IrqData d) {
    bus.lock();
  }

  /** irq_bus_sync_unlock: the shadow of this interrupt goes to the device, then the bus is free. */
  @Override
  public void busSyncUnlock(IrqData d) {
    try {
      sync(slot(d));
    } finally {
      bus.unlock();
    }
  }

  /** The work item: every queued change, under the bus lock, in the order they came. */
  private void applyQueued() {
    bus.lock();
    try {
      Slot s;
      while ((s = dirty.poll()) != null) {
        s.queued = false;
        sync(s);
      }
    } finally {
      bus.unlock();
    }
  }

  /** Commands that turn what the device was told into the shadow; a timeout leaves it for later. */
  private void sync(Slot s) {
    if (s.inSync()) {
      return;
    }
    try {
      if (k.variants().on(Variants.IMS_DIRECT_WRITE)) {
        device.storeDirect(s.queue, s.started ? s.msg : null, s.started, s.masked || !s.started);
        s.devStarted = s.started;
        s.devMsg = s.started ? s.msg : null;
        s.devMasked = s.masked || !s.started;
        return;
      }
      // Each command waits for the device, and meanwhile a hard interrupt may change the shadow
      // (and queue the slot for the work item): what the device was told is what was sent, not
      // what the shadow says after the wait.
      if (s.started != s.devStarted) {
        if (s.started) {
          MsiMsg m = s.msg;
          device.startup(s.queue, m);
          s.devMsg = m;
          s.devMasked = false;
        } else {
          device.teardown(s.queue);
          s.devMsg = null;
          s.devMasked = true;
        }
        s.devStarted = s.started;
      }
      if (!s.started) {
        return;
      }
      if (!Objects.equals(s.msg, s.devMsg)) {
        MsiMsg m = s.msg;
        device.setMessage(s.queue, m);
        s.devMsg = m;
      }
      boolean masked = s.masked;
      if (masked != s.devMasked) {
        if (masked) {
          device.mask(s.queue);
        } else {
          device.unmask(s.queue);
        }
        s.devMasked = masked;
      }
    } catch (KernelException e) {
      if (e.errno() == Errno.ENODEV) {
        // The driver gave the device up: bus_sync_unlock returns nothing to report it to.
        commandsFailed++;
        return;
      }
      if (e.errno() != Errno.ETIMEDOUT) {
        throw e;
      }
      commandsFailed++;
      k.log().err(name() + ": queue " + s.queue + ": IMS update not acknowledged by the device ("
          + e.getMessage() + "); retried after reset");
    }
  }

  /** Runs {@code r} holding the bus, so that no update is in flight meanwhile (a device reset). */
  public void withBusLocked(Runnable r) {
    bus.lock();
    try {
      r.run();
    } finally {
      bus.unlock();
    }
  }

  /**
   * After a device reset the device knows nothing: every started queue's interrupt is pushed again
   * by the work item.
   */
  public void deviceWasReset() {
    for (Slot s : slots) {
      if (s == null) {
        continue;
      }
      s.devStarted = false;
      s.devMsg = null;
      s.devMasked = true;
      if (s.started && !s.queued) {
        s.queued = true;
        dirty.add(s);
      }
    }
    if (!dirty.isEmpty() && !work.isQueued()) {
      k.exec().schedule(work, k.exec().now());
    }
  }

  /** Changes waiting for the work item. */
  public int queuedChanges() {
    return dirty.size();
  }

  /** Syncs that gave up on a command that timed out. */
  public long commandsFailed() {
    return commandsFailed;
  }

  /** Whether the device was last told that {@code index}'s queue is masked (for views and tests). */
  public boolean deviceMasked(int index) {
    Slot s = index < slots.length ? slots[index] : null;
    return s == null || s.devMasked;
  }
}
