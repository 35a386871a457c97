package irqlab.kernel.irq;

import irqlab.exec.Access;
import irqlab.exec.Exec;
import irqlab.exec.Resource;
import irqlab.kernel.Errno;
import irqlab.kernel.KernelException;
import irqlab.kernel.cpu.CpuMask;
import java.util.Arrays;
import java.util.BitSet;
import java.util.function.IntConsumer;

/**
 * The sparse interrupt number space (kernel/irq/irqdesc.c). Numbers below the dynamic lower bound
 * belong to the IO-APIC's pins (24 on q35, arch_dynirq_lower_bound in arch/x86/kernel/apic/io_apic.c),
 * so MSI interrupts start at 24 as on a real q35 machine. Ranges are the lowest free run that fits.
 */
public final class IrqDescTable {
  /** IRQ_BITMAP_BITS with CONFIG_SPARSE_IRQ: NR_IRQS + 8196. */
  public static final int MAX_SPARSE_IRQS = 1 << 21;

  private final Exec exec;
  private final Resource sparseIrqs = Resource.of("sparse_irqs", off -> off, off -> "irq " + off);
  private final Resource descMemory = Resource.of("irq_desc memory",
      off -> off & 0xffffffffL, off -> "irq " + (off & 0xffffffffL) + ((off >>> 32) != 0 ? " (shut down)" : ""));
  private final int dynamicLowerBound;
  private final BitSet allocated = new BitSet();
  private IrqDesc[] descs = new IrqDesc[256];
  private int count;
  /** Every number from the lower bound up to this one is allocated: searches start here. */
  private int lowestFree;

  public IrqDescTable(Exec exec, int dynamicLowerBound) {
    this.exec = exec;
    this.dynamicLowerBound = dynamicLowerBound;
    this.lowestFree = dynamicLowerBound;
  }

  public int dynamicLowerBound() {
    return dynamicLowerBound;
  }

  /**
   * irq_alloc_descs(-1, from, cnt, node): finds the lowest run of {@code cnt} free numbers at or
   * above {@code from} and creates descriptors. ENOMEM when the space is exhausted.
   */
  public int allocate(int from, int cnt, IrqData.Factory dataFactory, CpuMask defaultAffinity) {
    if (cnt <= 0) {
      throw new KernelException(Errno.EINVAL, "irq_alloc_descs: count " + cnt);
    }
    int start = Math.max(Math.max(from, dynamicLowerBound), lowestFree);
    while (true) {
      start = allocated.nextClearBit(start);
      int end = allocated.nextSetBit(start);
      if (end < 0 || end - start >= cnt) {
        break;
      }
      start = end;
    }
    if (start + cnt > MAX_SPARSE_IRQS) {
      throw new KernelException(Errno.ENOMEM, "no free irq numbers for " + cnt + " interrupts");
    }
    if (start + cnt > descs.length) {
      descs = Arrays.copyOf(descs, Math.max(descs.length * 2, start + cnt));
    }
    for (int i = 0; i < cnt; i++) {
      int irq = start + i;
      descs[irq] = new IrqDesc(irq, dataFactory, exec, defaultAffinity);
    }
    allocated.set(start, start + cnt);
    count += cnt;
    if (start <= lowestFree) {
      lowestFree = allocated.nextClearBit(start);
    }
    return start;
  }

  /** Told of each descriptor irq_free_descs is about to free (the kernel's observers). */
  public void onFree(java.util.function.Consumer<IrqDesc> watch) {
    this.onFree = watch;
  }

  private java.util.function.Consumer<IrqDesc> onFree = d -> {};

  /**
   * irq_alloc_descs(irq, irq, 1, node): the descriptor of a fixed number (a legacy ISA irq or an
   * IO-APIC GSI below the dynamic range); EEXIST when it is taken.
   */
  public int allocateExact(int irq, IrqData.Factory dataFactory, CpuMask defaultAffinity) {
    if (irq < 0 || irq >= MAX_SPARSE_IRQS) {
      throw new KernelException(Errno.EINVAL, "irq_alloc_descs: irq " + irq);
    }
    if (allocated.get(irq)) {
      throw new KernelException(Errno.EEXIST, "irq " + irq + " is allocated already");
    }
    if (irq >= descs.length) {
      descs = Arrays.copyOf(descs, Math.max(descs.length * 2, irq + 1));
    }
    descs[irq] = new IrqDesc(irq, dataFactory, exec, defaultAffinity);
    allocated.set(irq);
    count++;
    if (irq == lowestFree) {
      lowestFree = allocated.nextClearBit(irq);
    }
    return irq;
  }

  /**
   * How irq_free_descs returns a descriptor's memory once it is out of the table: at once (null,
   * kernels before 425a5072dcd1 "genirq: Free irq_desc with rcu", v4.5), or after an RCU grace
   * period (delayed_free_desc), so that a hard interrupt or RCU reader that looked the
   * descriptor up before can still use it.
   */
  public interface Release {
    void release(IrqDesc desc);
  }

  private Release release;

  /** Installs the descriptor release (the kernel's RCU); without one descriptors go at once. */
  public void setRelease(Release r) {
    this.release = r;
  }

  /**
   * irq_free_descs: out of the table first (delete_irq_desc: irq_to_desc finds nothing from then
   * on), then the memory goes by {@link Release}. Each removal is a scheduling point that writes
   * the number's slot of the table, which irq_to_desc reads.
   */
  public void free(int from, int cnt) {
    for (int irq = from; irq < from + cnt; irq++) {
      IrqDesc d = get(irq);
      if (d == null) {
        throw new KernelException(Errno.EINVAL, "irq_free_descs: irq " + irq + " not allocated");
      }
      if (exec != null) {
        exec.point("irq_free_descs: delete_irq_desc", sparseIrqs, irq, Access.WRITE);
      }
      onFree.accept(d);
      descs[irq] = null;
      allocated.clear(irq);
      count--;
      lowestFree = Math.min(lowestFree, irq);
      if (release != null) {
        release.release(d);
      } else {
        d.markFreed(new irqlab.kernel.Freed("-", exec == null ? 0 : exec.now(), "irq_free_descs"));
      }
    }
  }

  /** The table irq_to_desc reads (sparse_irqs), one unit per irq number: what its points name. */
  public Resource sparseIrqs() {
    return sparseIrqs;
  }

  /** The descriptors' memory, one unit per irq number: read by its users, written when freed. */
  public Resource descMemory() {
    return descMemory;
  }

  /**
   * The offset a point names for an access to {@code d}'s memory: its irq number (the conflict
   * unit), with bit 32 set while the line is shut down (not IRQD_IRQ_STARTED). A handler reaching a
   * descriptor that free_irq has just shut down is then a rare access to the delay strategy, as
   * it is in a real run, not the thousandth read of a busy line's descriptor.
   */
  public static long memoryOffset(IrqDesc d) {
    return d.irq() | (d.data().is(IrqdState.IRQ_STARTED) ? 0 : 1L << 32);
  }

  /** Marks {@code d}'s memory returned (free_desc's kfree, directly or from delayed_free_desc). */
  public static void markFreed(IrqDesc d, irqlab.kernel.Freed by) {
    d.markFreed(by);
  }

  /** irq_to_desc; null for a number that is not allocated. */
  public IrqDesc get(int irq) {
    return irq >= 0 && irq < descs.length ? descs[irq] : null;
  }

  public int size() {
    return count;
  }

  /** Visits allocated numbers in ascending order (for_each_irq_desc). */
  public void forEach(IntConsumer visitor) {
    for (int i = allocated.nextSetBit(0); i >= 0; i = allocated.nextSetBit(i + 1)) {
      visitor.accept(i);
    }
  }

  /**
   * init_irq_proc (kernel/irq/proc.c, from do_basic_setup before the initcalls): /proc/irq/N for
   * every descriptor that exists now; later ones get theirs at their first request_irq.
   */
  public void initIrqProc() {
    forEach(i -> get(i).registerProc());
  }

  /** One past the highest allocated number (nr_irqs as the views size their columns by it). */
  public int highestPlusOne() {
    return allocated.length();
  }
}
