package irqlab.hw.devices;

import irqlab.exec.Actor;
import irqlab.exec.Event;
import irqlab.exec.Exec;
import irqlab.hw.PlatformBus;
import irqlab.hw.ims.ImsSlotArray;
import irqlab.hw.ims.QueueContexts;
import irqlab.hw.ims.QueueMemory;
import irqlab.hw.pci.Bdf;
import java.util.ArrayDeque;

/**
 * A data-streaming accelerator in the spirit of Intel's DSA (drivers/dma/idxd): MSI-X for its
 * control interrupt (entry 0: command completions and errors) and many work queues, each signalling
 * through IMS. Every queue has a context in host memory (see {@link QueueContexts}) with its
 * producer pointer, written by the device, and its consumer pointer, written by the driver. Where
 * the queue's message lives depends on the store:
 *
 * <ul>
 *   <li>{@link Store#DEVICE_ARRAY}: an IMS slot array in BAR 3; each queue's interrupt handle
 *       register says which slot it signals (as IDXD's descriptors carry an interrupt handle);
 *   <li>{@link Store#HOST_MEMORY}: in the queue's own context, cached by the device and changed
 *       only through the command queue (registers at 0x20..0x3c); commands complete one at a time
 *       after {@link #COMMAND_LATENCY_NS} and raise MSI-X entry 0 when the driver asks for it.
 * </ul>
 *
 * <p>BAR 2: 0x00 queues, 0x04 control (bit 0 run, bit 1 command interrupt, bit 31 reset), 0x08 IMS
 * slots, 0x0c store (0 array, 1 host memory), 0x10/0x14 context table address, 0x18 cache entries,
 * 0x20 command opcode, 0x24 queue, 0x28..0x30 arguments, 0x34 submit (write) / last submitted
 * sequence (read), 0x38 last completed sequence; from 0x1000 one interrupt handle per queue.
 */
public final class AcceleratorDevice extends QueueDevice {
  /** Where the device keeps its queues' interrupt messages. */
  public enum Store {
    DEVICE_ARRAY,
    HOST_MEMORY
  }

  public static final int IMS_BAR = 3;
  public static final int REG_IMS_SLOTS = 0x08;
  public static final int REG_IMS_STORE = 0x0c;
  public static final int REG_CTX_BASE_LO = 0x10;
  public static final int REG_CTX_BASE_HI = 0x14;
  public static final int REG_CACHE_ENTRIES = 0x18;
  public static final int REG_CMD_OPCODE = 0x20;
  public static final int REG_CMD_QUEUE = 0x24;
  public static final int REG_CMD_ARG0 = 0x28;
  public static final int REG_CMD_ARG1 = 0x2c;
  public static final int REG_CMD_ARG2 = 0x30;
  public static final int REG_CMD_SUBMIT = 0x34;
  public static final int REG_CMD_DONE = 0x38;
  public static final int INT_HANDLE_BASE = 0x1000;
  public static final int INT_HANDLE_VALID = 1 << 31;
  public static final int CONTROL_CMD_IRQ = 1 << 1;
  public static final int CONTROL_RESET = 1 << 31;

  /** Command opcodes of the host-memory store. */
  public static final int CMD_SET_MSG = 1;
  public static final int CMD_MASK = 2;
  public static final int CMD_UNMASK = 3;
  public static final int CMD_STARTUP = 4;
  public static final int CMD_TEARDOWN = 5;

  /** How long the device takes per command. */
  public static final long COMMAND_LATENCY_NS = 250;
  /** The MSI-X entry of the control interrupt. */
  public static final int CONTROL_ENTRY = 0;

  /** What an observer of the accelerator learns. */
  public interface Observer {
    /** Queue {@code queue} sent its interrupt message. */
    default void imsMessage(AcceleratorDevice dev, int queue, long address, int data) {}

    /** A context write-back overwrote a CPU store (host-memory store). */
    default void staleWriteBack(AcceleratorDevice dev, int queue) {}
  }

  private final PlatformBus bus;
  private final Store store;
  private final int queueCount;
  private final ImsSlotArray slots;
  private final QueueContexts contexts;
  private final int[] intHandle;
  private final int[] producer;
  private final long[] completedTotal;
  private long completedAll;
  private final Actor engine;
  private final ArrayDeque<int[]> commands = new ArrayDeque<>();
  private final Event engineStep;
  private WorkObserver workObserver = new WorkObserver() {};
  private Observer observer = new Observer() {};
  private boolean running;
  private boolean commandIrq;
  private boolean hung;
  private int submitted;
  private int done;
  private int[] staging = new int[5];
  private long imsSent;
  private int signallingQueue = -1;
  private irqlab.exec.Actor signallingActor;
  /** The queue the command engine works on, when it sends (a resend on unmask or startup). */
  private int engineQueue = -1;

  public AcceleratorDevice(Exec exec, PlatformBus bus, Bdf bdf, String id, int queues, int msixTable,
      Store store, int imsSlots, int cacheEntries, QueueMemory memory) {
    // The queue machinery of QueueDevice is not used: these queues live in host memory.
    super(exec, bus, bdf, id, "accelerator", 0x8086, 0x0b25, 0, msixTable);
    this.bus = bus;
    this.store = store;
    this.queueCount = queues;
    ImsSlotArray.MessagePort port = this::sendIms;
    this.slots = store == Store.DEVICE_ARRAY ? new ImsSlotArray(imsSlots, port) : null;
    this.contexts = new QueueContexts(memory, queues, store == Store.HOST_MEMORY ? cacheEntries : 1, port);
    this.contexts.setListener(new QueueContexts.Listener() {
      @Override
      public void staleWriteBack(int queue) {
        observer.staleWriteBack(AcceleratorDevice.this, queue);
      }
    });
    this.intHandle = store == Store.DEVICE_ARRAY ? new int[queues] : null;
    this.producer = store == Store.DEVICE_ARRAY ? new int[queues] : null;
    this.completedTotal = new long[queues];
    this.engine = exec.newActor(id + "-engine", Actor.Kind.DEVICE, -1);
    this.engineStep = new Event(engine) {
      @Override
      public void run() {
        step();
      }
    };
  }

  public Store store() {
    return store;
  }

  public void setImsObserver(Observer o) {
    this.observer = o;
  }

  @Override
  public void setObserver(WorkObserver o) {
    super.setObserver(o);
    this.workObserver = o;
  }

  @Override
  public int queues() {
    return queueCount;
  }

  @Override
  public boolean running() {
    return running;
  }

  /** The slot array (device-array store), or null. */
  public ImsSlotArray slots() {
    return slots;
  }

  public QueueContexts contexts() {
    return contexts;
  }

  private void sendIms(long address, int data) {
    imsSent++;
    // A message is a queue's only when the actor working on that queue sends it: an unmask by a
    // CPU meanwhile sends another slot's held message.
    int q = exec.current() == engine ? engineQueue : exec.current() == signallingActor ? signallingQueue : -1;
    if (q >= 0) {
      observer.imsMessage(this, q, address, data);
    }
    bus.memoryWrite(requesterId(), address, data);
  }

  // ---- work ----

  /** Work completes on {@code queue}: the producer pointer moves on and the queue signals. */
  @Override
  public void complete(int queue) {
    if (!running || contexts.base() == 0) {
      return;
    }
    exec.point("device completion");
    completedTotal[queue]++;
    completedAll++;
    workObserver.completed(this, queue);
    signallingQueue = queue;
    signallingActor = exec.current();
    try {
      if (store == Store.HOST_MEMORY) {
        contexts.complete(queue);
        return;
      }
      if (contexts.base() == 0) {
        return; // reset while the completion waited for the bus: the work is dropped
      }
      producer[queue]++;
      contexts.memory().dmaWrite32(contexts.address(queue, QueueContexts.PRODUCER), producer[queue]);
      int h = intHandle[queue];
      if ((h & INT_HANDLE_VALID) != 0 && (h & ~INT_HANDLE_VALID) < slots.slots()) {
        slots.signal(h & ~INT_HANDLE_VALID);
      }
    } catch (QueueContexts.Aborted e) {
      // A reset overtook the completion: the device drops it, nothing reaches memory.
    } finally {
      signallingQueue = -1;
      signallingActor = null;
    }
  }

  @Override
  public int outstanding(int queue) {
    return contexts.outstanding(queue);
  }

  @Override
  public long completedAll() {
    return completedAll;
  }

  @Override
  public long completedTotal(int queue) {
    return completedTotal[queue];
  }

  /** No queue signals an MSI-X entry. */
  @Override
  public int vectorSelect(int queue) {
    return -1;
  }

  /** The IMS slot {@code queue} signals (device-array store), or -1. */
  public int interruptHandle(int queue) {
    if (intHandle == null || (intHandle[queue] & INT_HANDLE_VALID) == 0) {
      return -1;
    }
    return intHandle[queue] & ~INT_HANDLE_VALID;
  }

  // ---- the command queue ----

  private void submit() {
    int[] c = staging;
    staging = new int[5];
    commands.add(new int[] {++submitted, c[0], c[1], c[2], c[3], c[4]});
    kick();
  }

  private void kick() {
    if (!hung && !commands.isEmpty() && !engineStep.isQueued()) {
      exec.schedule(engineStep, exec.now() + COMMAND_LATENCY_NS);
    }
  }

  /** The engine carries out the oldest command, completes it, and signals if asked to. */
  private void step() {
    int[] c = commands.poll();
    if (c == null || hung) {
      return;
    }
    int q = c[2];
    if (store == Store.HOST_MEMORY && contexts.base() != 0 && q >= 0 && q < queueCount) {
      engineQueue = q;
      try {
        switch (c[1]) {
          case CMD_SET_MSG -> contexts.setMessage(q, c[3], c[4], c[5]);
          case CMD_MASK -> contexts.setMasked(q, true);
          case CMD_UNMASK -> contexts.setMasked(q, false);
          case CMD_STARTUP -> contexts.startup(q, c[3], c[4], c[5]);
          case CMD_TEARDOWN -> contexts.teardown(q);
          default -> {}
        }
      } catch (QueueContexts.Aborted e) {
        // A reset (or a new context table) overtook the command: the reset dropped it, and
        // reported every submitted command complete; nothing more is done or signalled for it.
        return;
      } finally {
        engineQueue = -1;
      }
    }
    done = c[0];
    if (commandIrq) {
      signalMsix(CONTROL_ENTRY);
    }
    kick();
  }

  /** Makes the command engine stop (true) or resume (false): a device that stops answering. */
  public void setHung(boolean hung) {
    this.hung = hung;
    if (hung) {
      exec.cancel(engineStep);
    } else {
      kick();
    }
  }

  public boolean hung() {
    return hung;
  }

  /** Commands submitted and not completed. */
  public int commandsPending() {
    return commands.size();
  }

  // ---- registers ----

  @Override
  protected int deviceRegisterRead(int bar, int off) {
    if (bar == IMS_BAR) {
      return slots == null ? 0 : slots.read(off);
    }
    if (bar != DEVICE_BAR) {
      return 0;
    }
    if (off >= INT_HANDLE_BASE) {
      int q = (off - INT_HANDLE_BASE) >>> 2;
      return intHandle != null && q < queueCount ? intHandle[q] : 0;
    }
    return switch (off) {
      case REG_NUM_QUEUES -> queueCount;
      case REG_CONTROL -> (running ? CONTROL_RUN : 0) | (commandIrq ? CONTROL_CMD_IRQ : 0);
      case REG_IMS_SLOTS -> slots == null ? queueCount : slots.slots();
      case REG_IMS_STORE -> store == Store.HOST_MEMORY ? 1 : 0;
      case REG_CTX_BASE_LO -> (int) contexts.base();
      case REG_CTX_BASE_HI -> (int) (contexts.base() >>> 32);
      case REG_CACHE_ENTRIES -> store == Store.HOST_MEMORY ? contexts.cacheEntries() : 0;
      case REG_CMD_SUBMIT -> submitted;
      case REG_CMD_DONE -> done;
      default -> 0;
    };
  }

  @Override
  protected void deviceRegisterWrite(int bar, int off, int value) {
    if (bar == IMS_BAR) {
      if (slots != null) {
        slots.write(off, value);
      }
      return;
    }
    if (bar != DEVICE_BAR) {
      return;
    }
    if (off >= INT_HANDLE_BASE) {
      int q = (off - INT_HANDLE_BASE) >>> 2;
      if (intHandle != null && q < queueCount) {
        intHandle[q] = value;
      }
      return;
    }
    switch (off) {
      case REG_CONTROL -> {
        if ((value & CONTROL_RESET) != 0) {
          deviceReset();
          return;
        }
        running = (value & CONTROL_RUN) != 0;
        commandIrq = (value & CONTROL_CMD_IRQ) != 0;
      }
      case REG_CTX_BASE_LO -> {
        // A new table: queues start over from its pointers.
        if (producer != null) {
          java.util.Arrays.fill(producer, 0);
        }
        contexts.setBase((contexts.base() & ~0xffffffffL) | (value & 0xffffffffL));
      }
      case REG_CTX_BASE_HI -> contexts.setBase((contexts.base() & 0xffffffffL) | ((long) value << 32));
      case REG_CMD_OPCODE -> staging[0] = value;
      case REG_CMD_QUEUE -> staging[1] = value;
      case REG_CMD_ARG0 -> staging[2] = value;
      case REG_CMD_ARG1 -> staging[3] = value;
      case REG_CMD_ARG2 -> staging[4] = value;
      case REG_CMD_SUBMIT -> submit();
      default -> {}
    }
  }

  /**
   * The device's own reset: queues stop, queued commands are dropped (reported complete so that no
   * one waits for them), the cache is dropped unwritten, slots mask, the context table is forgotten.
   * Host memory keeps what it holds; MSI-X is untouched.
   */
  private void deviceReset() {
    running = false;
    commandIrq = false;
    hung = false;
    exec.cancel(engineStep);
    commands.clear();
    done = submitted;
    contexts.invalidate();
    contexts.setBase(0);
    if (slots != null) {
      slots.reset();
      java.util.Arrays.fill(intHandle, 0);
    }
  }

  /** Function-level reset: the device reset plus MSI-X off. */
  @Override
  public void reset() {
    super.reset();
    deviceReset();
  }

  @Override
  public long messagesSent() {
    return super.messagesSent() + imsSent;
  }

  @Override
  public long messagesHeldPending() {
    return super.messagesHeldPending() + (slots == null ? 0 : slots.held());
  }
}
