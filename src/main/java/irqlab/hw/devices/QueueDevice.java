package irqlab.hw.devices;

import irqlab.exec.Access;
import irqlab.exec.Exec;
import irqlab.exec.Resource;
import irqlab.hw.PlatformBus;
import irqlab.hw.pci.Bdf;
import irqlab.hw.pci.MsiShape;
import irqlab.hw.pci.PciFunction;

/**
 * A PCI device with work queues, each an interrupt source (a NIC's queue pairs, an NVMe
 * controller's completion queues). BAR 2 starts with the number of queues and a control register
 * (bit 0: queues run); from 0x100 each queue has an interrupt vector select (which MSI-X entry,
 * or which vector of its MSI block, it signals; bit 31 = valid) and a completion count, which the
 * driver reads and then acknowledges by writing back the number it consumed.
 */
public class QueueDevice extends PciFunction {
  public static final int REG_NUM_QUEUES = 0;
  public static final int REG_CONTROL = 4;
  public static final int CONTROL_RUN = 1;
  /** Write N: queue N completes a unit of work now, as a cause set by software (e1000e's ICS). */
  public static final int REG_CAUSE_SET = 0x10;
  public static final int QUEUE_BASE = 0x100;
  public static final int QUEUE_STRIDE = 16;
  public static final int REG_IVAR = 0;
  public static final int REG_COMPLETIONS = 4;
  public static final int IVAR_VALID = 1 << 31;

  private final String id;
  private final String type;
  private final int[] ivar;
  private final int[] completions;
  private final long[] completedTotal;
  /** Work completed on every queue together. */
  private long completedAll;
  private WorkObserver observer = new WorkObserver() {};
  private boolean running;
  /** A stuck INTx source: the line is held asserted with no work behind it. */
  private boolean stuckLine;

  public QueueDevice(Exec exec, PlatformBus bus, Bdf bdf, String id, String type, int vendor,
      int deviceId, int queues, int msixTable) {
    this(exec, bus, bdf, id, type, vendor, deviceId, queues, msixTable, null);
  }

  /** As above, with an MSI capability of shape {@code msi} unless null. */
  public QueueDevice(Exec exec, PlatformBus bus, Bdf bdf, String id, String type, int vendor,
      int deviceId, int queues, int msixTable, MsiShape msi) {
    this(exec, bus, bdf, id, type, vendor, deviceId, queues, msixTable, msi, PciFunction.MSIX_CAP_OFFSET);
  }

  /** As above, with the MSI-X capability at config offset {@code msixCapOffset}. */
  protected QueueDevice(Exec exec, PlatformBus bus, Bdf bdf, String id, String type, int vendor,
      int deviceId, int queues, int msixTable, MsiShape msi, int msixCapOffset) {
    super(exec, bus, bdf, vendor, deviceId, msixTable, msi, msixCapOffset);
    this.id = id;
    this.type = type;
    this.ivar = new int[queues];
    this.completions = new int[queues];
    this.completedTotal = new long[queues];
  }

  public String id() {
    return id;
  }

  public String type() {
    return type;
  }

  public int queues() {
    return ivar.length;
  }

  public void setObserver(WorkObserver o) {
    this.observer = o;
  }

  /** Work completes on {@code queue}; the device signals the queue's MSI-X entry or MSI vector. */
  public void complete(int queue) {
    if (!running) {
      return;
    }
    exec.point("device completion", barResource(DEVICE_BAR), queueRegister(queue, REG_COMPLETIONS), Access.WRITE);
    if (!running) {
      // The driver stopped the queues while this completion waited for its turn (an unbind in a
      // burst): a stopped device completes nothing, as its own control register decides at once.
      return;
    }
    completions[queue]++;
    exec.traceValue(completions[queue]);
    completedTotal[queue]++;
    completedAll++;
    observer.completed(this, queue);
    if (signals(queue)) {
      observer.signalling(this, queue);
      if (!signal(ivar[queue] & 0xffff)) {
        observer.notSignalled(this, queue);
      }
      observer.signalled(this, queue);
    }
  }

  /** Whether {@code queue} signals its completions: its vector select is valid. */
  protected boolean signals(int queue) {
    return (ivar[queue] & IVAR_VALID) != 0;
  }

  /**
   * A stuck interrupt source: the queue's vector is signalled with no work completed behind it,
   * so the driver's handler finds nothing to do. Unlike {@link #complete} it does not need the
   * queues to run; a stuck line fires regardless.
   */
  public void signalWithoutWork(int queue) {
    if (signals(queue)) {
      if (!msixEnabled() && !msiEnabled()) {
        // On INTx a stuck source holds the line up: no driver can clear what it does not own.
        stuckLine = true;
      }
      signal(ivar[queue] & 0xffff);
    }
  }

  /** What a signal of {@code queue} would do now: sent, held (masked) or dropped (nothing selected, off). */
  public irqlab.hw.pci.MsiCapability.Outcome queueSignalOutcome(int queue) {
    int sel = ivar[queue];
    return (sel & IVAR_VALID) == 0 ? irqlab.hw.pci.MsiCapability.Outcome.OFF : signalOutcome(sel & 0xffff);
  }

  /** {@code count} more signals of {@code queue} were held by its masked vector (see {@link #heldAgain(int, long)}). */
  public void queueHeldAgain(int queue, long count) {
    int sel = ivar[queue];
    if ((sel & IVAR_VALID) != 0) {
      heldAgain(sel & 0xffff, count);
    }
  }

  /** The stuck source lets go of the INTx line (the end of a storm). */
  public void releaseStuckLine() {
    if (stuckLine) {
      stuckLine = false;
      updateIntx();
    }
  }

  /** Whether a stuck source holds the INTx line up. */
  public boolean holdsStuckLine() {
    return stuckLine;
  }

  /** Outstanding (completed, not yet consumed) work on {@code queue}. */
  public int outstanding(int queue) {
    return completions[queue];
  }

  /** Work completed on all queues so far. */
  public long completedAll() {
    return completedAll;
  }

  public long completedTotal(int queue) {
    return completedTotal[queue];
  }

  /** The MSI-X entry or MSI vector {@code queue} signals (0 for INTx), or -1 when none is selected. */
  public int vectorSelect(int queue) {
    return signals(queue) ? ivar[queue] & 0xffff : -1;
  }

  public boolean running() {
    return running;
  }

  /** BAR 2: one conflict unit per queue's registers, one for the global ones. */
  @Override
  protected Resource newBarResource(int bar) {
    if (bar != DEVICE_BAR) {
      return super.newBarResource(bar);
    }
    return Resource.of(id + " regs", off -> off < QUEUE_BASE ? 0 : 1 + (off - QUEUE_BASE) / QUEUE_STRIDE, off -> {
      if (off == REG_NUM_QUEUES) {
        return "num_queues";
      }
      if (off == REG_CONTROL) {
        return "control";
      }
      if (off < QUEUE_BASE) {
        return String.format("0x%x", off);
      }
      long q = (off - QUEUE_BASE) / QUEUE_STRIDE;
      long r = (off - QUEUE_BASE) % QUEUE_STRIDE;
      return "q" + q + (r == REG_IVAR ? ".ivar" : r == REG_COMPLETIONS ? ".completions" : String.format("+0x%x", r));
    });
  }

  /**
   * INTx: the line stays asserted while any queue with a valid vector select has completions the
   * driver has not consumed (as an NVMe controller keeps INTx asserted until the completion queue
   * heads catch up).
   */
  @Override
  protected boolean intxCondition() {
    if (stuckLine) {
      return true;
    }
    for (int q = 0; q < completions.length; q++) {
      if (completions[q] > 0 && (ivar[q] & IVAR_VALID) != 0) {
        return true;
      }
    }
    return false;
  }

  @Override
  protected int deviceRegisterRead(int bar, int off) {
    if (bar == DEVICE_BAR && off == REG_NUM_QUEUES) {
      return ivar.length;
    }
    if (bar == DEVICE_BAR && off == REG_CONTROL) {
      return running ? CONTROL_RUN : 0;
    }
    int q = (off - QUEUE_BASE) / QUEUE_STRIDE;
    if (bar != DEVICE_BAR || off < QUEUE_BASE || q >= ivar.length) {
      return 0;
    }
    return switch ((off - QUEUE_BASE) % QUEUE_STRIDE) {
      case REG_IVAR -> ivar[q];
      case REG_COMPLETIONS -> completions[q];
      default -> 0;
    };
  }

  @Override
  protected void deviceRegisterWrite(int bar, int off, int value) {
    if (bar == DEVICE_BAR && off == REG_CAUSE_SET) {
      if (value >= 0 && value < ivar.length) {
        complete(value);
      }
      return;
    }
    if (bar == DEVICE_BAR && off == REG_CONTROL) {
      running = (value & CONTROL_RUN) != 0;
      if (!running) {
        java.util.Arrays.fill(completions, 0);
        updateIntx();
      }
      return;
    }
    int q = (off - QUEUE_BASE) / QUEUE_STRIDE;
    if (bar != DEVICE_BAR || off < QUEUE_BASE || q >= ivar.length) {
      return;
    }
    switch ((off - QUEUE_BASE) % QUEUE_STRIDE) {
      case REG_IVAR -> {
        ivar[q] = value;
        routingChanged();
        updateIntx();
      }
      case REG_COMPLETIONS -> {
        int n = Math.min(value, completions[q]);
        completions[q] -= n;
        observer.drained(this, q, n);
        if (completions[q] == 0) {
          updateIntx();
        }
      }
      default -> {}
    }
  }

  /** Function-level reset: queues stop, completions are discarded, MSI-X is off. */
  @Override
  public void reset() {
    super.reset();
    java.util.Arrays.fill(ivar, 0);
    java.util.Arrays.fill(completions, 0);
    running = false;
    routingChanged();
    updateIntx();
  }

  /** Register offset of {@code queue}'s register {@code reg}. */
  public static int queueRegister(int queue, int reg) {
    return QUEUE_BASE + queue * QUEUE_STRIDE + reg;
  }
}
