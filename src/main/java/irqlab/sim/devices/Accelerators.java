package irqlab.sim.devices;

import irqlab.exec.Exec;
import irqlab.hw.MessageObserver;
import irqlab.hw.devices.AcceleratorDevice;
import irqlab.hw.ims.QueueMemory;
import irqlab.kernel.Kernel;
import irqlab.kernel.irq.IrqDesc;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the accelerators of one machine share: the host memory their queue contexts live in, and
 * the oracle's watch on their queue messages, which must reach the vector of the queue's own
 * interrupt (a message that reaches a vector bound to another interrupt is misrouted).
 */
final class Accelerators implements AcceleratorDevice.Observer, MessageObserver {
  /** Stale write-backs narrated in the action log before only the count is kept. */
  static final int NARRATED = 5;

  private final Exec exec;
  private final Kernel kernel;
  private final Verdicts verdicts;
  private final BuildContext ctx;
  private final QueueMemory memory;
  private final Map<String, AcceleratorBinding> units = new LinkedHashMap<>();
  private AcceleratorDevice expectingFrom;
  private int expectingQueue;
  private IrqDesc expecting;
  private long staleNarrated;

  Accelerators(BuildContext ctx) {
    this.ctx = ctx;
    this.exec = ctx.exec();
    this.kernel = ctx.kernel();
    this.verdicts = ctx.verdicts();
    this.memory = new QueueMemory(exec);
    ctx.bus().addObserver(this); // only machines with accelerators pay for the misroute check
  }

  QueueMemory memory() {
    return memory;
  }

  void add(AcceleratorBinding b) {
    units.put(b.id(), b);
  }

  @Override
  public void imsMessage(AcceleratorDevice dev, int queue, long address, int data) {
    AcceleratorBinding u = units.get(dev.id());
    expectingFrom = dev;
    expectingQueue = queue;
    expecting = u == null ? null : u.queueDesc(queue);
  }

  @Override
  public void delivered(int requesterId, long address, int data, int cpu, int vector) {
    if (expectingFrom == null || requesterId != expectingFrom.requesterId()) {
      return;
    }
    Object bound = kernel.vectorDomain().vectorIrq(cpu, vector);
    if (expecting != null && bound instanceof IrqDesc other && other != expecting) {
      verdicts.misrouted(expectingFrom.id() + " queue " + expectingQueue
          + ": its message reached CPU " + cpu + " vector " + vector + ", which belongs to irq " + other.irq()
          + ", not to the queue's irq " + expecting.irq());
    }
    expectingFrom = null;
  }

  @Override
  public void staleWriteBack(AcceleratorDevice dev, int queue) {
    if (staleNarrated++ < NARRATED) {
      ctx.log(exec.now(), dev.id() + ": context write-back of queue " + queue
          + " overwrote the message and mask the CPU had stored into it");
    }
  }
}
