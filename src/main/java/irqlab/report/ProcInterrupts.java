package irqlab.report;

import irqlab.kernel.Kernel;
import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.irq.IrqChip;
import irqlab.kernel.irq.IrqDesc;
import irqlab.sim.Machine;
import java.util.ArrayList;
import java.util.List;

/**
 * /proc/interrupts as Linux 6.12 prints it (kernel/irq/proc.c show_interrupts, then
 * arch/x86/kernel/irq.c arch_show_interrupts): a header with one column per online CPU, a row for
 * every interrupt with an action or a non-zero count, then the architecture rows.
 *
 * <p>Only the architecture rows irqlab has a counter for are printed: {@code SPU} (spurious
 * vector 0xff, which the model never raises, so 0), {@code ERR} (APIC errors, none modelled) and
 * {@code MIS} (IO-APIC mismatches, none modelled). NMI, LOC, RES, CAL, TLB and the rest are left
 * out rather than shown with invented values.
 */
public final class ProcInterrupts {
  /** NR_IRQS_LEGACY: the 8259 pair's 16 lines, present on q35. */
  static final int NR_LEGACY_IRQS = 16;
  /** CONFIG_NR_CPUS of the Debian 6.12 kernel the reference dumps come from. */
  static final int CONFIG_NR_CPUS = 8192;

  private ProcInterrupts() {}

  public static String render(Machine m) {
    return render(m.kernel());
  }

  public static String render(Kernel k) {
    int prec = prec(nrIrqs(k));
    StringBuilder sb = new StringBuilder(header(k, prec));
    k.descs().forEach(irq -> {
      IrqDesc d = k.descs().get(irq);
      if (shown(d)) {
        sb.append(row(k, d, prec));
      }
    });
    sb.append(archRows(k, prec));
    return sb.toString();
  }

  /**
   * The same with only the selected online CPUs as columns ({@code --cpus}); wider than the
   * layout's width, a compact summary per interrupt instead (total over all CPUs, how many CPUs
   * counted it, chip, hwirq-flow and action, then the busiest CPUs).
   */
  public static String render(Machine m, TermLayout layout) {
    Kernel k = m.kernel();
    if (layout.cpus() == null && layout.width() <= 0) {
      return render(k);
    }
    CpuMask cols = layout.cpus() == null ? k.onlineMask() : k.onlineMask().and(layout.cpus());
    int prec = prec(nrIrqs(k));
    StringBuilder sb = new StringBuilder(Fmt.spaces(prec + 8));
    cols.forEach(c -> sb.append(Fmt.left("CPU" + c, 11)));
    sb.append('\n');
    k.descs().forEach(irq -> {
      IrqDesc d = k.descs().get(irq);
      if (shown(d)) {
        StringBuilder r = new StringBuilder(Fmt.right(d.irq(), prec)).append(": ");
        cols.forEach(c -> r.append(Fmt.right(Fmt.u32(d.count(c)), 10)).append(' '));
        sb.append(r).append(tail(d, prec)).append('\n');
      }
    });
    String full = sb.toString();
    return layout.tooWide(full) ? compact(k, layout, prec) : full + archRows(k, prec);
  }

  private static String compact(Kernel k, TermLayout layout, int prec) {
    List<String[]> rows = new ArrayList<>();
    List<long[]> counts = new ArrayList<>();
    k.descs().forEach(irq -> {
      IrqDesc d = k.descs().get(irq);
      if (shown(d)) {
        long[] v = new long[k.nrCpus()];
        for (int c = 0; c < v.length; c++) {
          v[c] = k.cpuOnline(c) ? d.count(c) & 0xffffffffL : 0;
        }
        counts.add(v);
        IrqChip chip = d.data().chip();
        rows.add(new String[] {d.irq() + ":", Fmt.u32(d.totalCount()), Integer.toString(layout.active(v)),
          chip == null ? "None" : chip.name() == null ? "-" : chip.name(),
          (d.data().domain() != null ? Long.toUnsignedString(d.data().hwirq()) : "")
              + (d.handlerName() != null ? "-" + d.handlerName() : ""),
          d.action() == null ? "-" : d.action().name()});
      }
    });
    return Table.renderFitting(new String[] {"IRQ", "total", "cpus", "chip", "hwirq-flow", "action"}, rows,
        new boolean[] {true, true, true, false, false, false}, "busiest (cpu:count)", layout.width(),
        (i, room) -> layout.busiest(counts.get(i), room))
        + "  (" + k.onlineMask().cardinality() + " online CPUs; SPU, ERR and MIS are 0)\n";
  }

  /** Chip, hwirq-flow and action: the part of a row after the per-CPU counts. */
  private static String tail(IrqDesc d, int prec) {
    String row = row(null, d, prec, false);
    return row.substring(0, row.length() - 1);
  }

  /**
   * nr_irqs as x86 sizes it at boot (arch_probe_nr_irqs in arch/x86/kernel/apic/vector.c):
   * min(NR_IRQS, NR_VECTORS * nr_cpu_ids, gsi_top + nr_legacy_irqs + 8 * nr_cpu_ids + gsi_top * 16),
   * grown by irq_expand_nr_irqs when a descriptor is allocated above it. 456 on the 4-CPU q35.
   */
  public static int nrIrqs(Kernel k) {
    long n = k.nrCpus();
    long nr = 256L + 64L * CONFIG_NR_CPUS;
    nr = Math.min(nr, 256L * n);
    int gsiTop = Kernel.GSI_TOP;
    long probe = gsiTop + NR_LEGACY_IRQS + 8 * n
        + (gsiTop <= NR_LEGACY_IRQS ? 8 * n : gsiTop * 16L);
    nr = Math.min(nr, probe);
    return (int) Math.max(nr, k.descs().highestPlusOne());
  }

  /** The width of the number column: 3, plus one per decimal digit nr_irqs has beyond three. */
  public static int prec(int nrIrqs) {
    int prec = 3;
    for (long j = 1000; prec < 10 && j <= nrIrqs; j *= 10) {
      prec++;
    }
    return prec;
  }

  /** {@code "%*s"} of prec + 8 spaces, then {@code "CPU%-8d"} per online CPU. */
  public static String header(Kernel k, int prec) {
    StringBuilder sb = new StringBuilder(Fmt.spaces(prec + 8));
    CpuMask online = k.onlineMask();
    online.forEach(c -> sb.append(Fmt.left("CPU" + c, 11)));
    return sb.append('\n').toString();
  }

  /** _IRQ_HIDDEN (include/linux/irq.h IRQ_HIDDEN): never listed. */
  static final int STATUS_HIDDEN = 1 << 20;

  /**
   * Whether show_interrupts prints a row: not hidden, and an action or interrupts counted
   * (kstat_irqs_desc, which for an ordinary line is desc->tot_count over all CPUs).
   */
  public static boolean shown(IrqDesc d) {
    return d != null && (d.status() & STATUS_HIDDEN) == 0
        && (d.action() != null || (d.totalCount() & 0xffffffffL) != 0);
  }

  /** One interrupt's row, newline included. */
  public static String row(Kernel k, IrqDesc d, int prec) {
    return row(k, d, prec, true);
  }

  private static String row(Kernel k, IrqDesc d, int prec, boolean counts) {
    StringBuilder sb = new StringBuilder();
    if (counts) {
      sb.append(Fmt.right(d.irq(), prec)).append(": ");
      k.onlineMask().forEach(c -> sb.append(Fmt.right(Fmt.u32(d.count(c)), 10)).append(' '));
    }
    IrqChip chip = d.data().chip();
    String chipName = chip == null ? "None" : chip.name() == null ? "-" : chip.name();
    sb.append(' ').append(Fmt.right(chipName, 8));
    if (d.data().domain() != null) {
      sb.append(' ').append(Fmt.right(Long.toUnsignedString(d.data().hwirq()), prec));
    } else {
      sb.append(' ').append(Fmt.spaces(prec));
    }
    if (d.handlerName() != null) {
      sb.append('-').append(Fmt.left(d.handlerName(), 8));
    }
    if (d.action() != null) {
      sb.append("  ").append(d.action().name());
    }
    return sb.append('\n').toString();
  }

  /** The architecture rows irqlab models: SPU, ERR and MIS, all zero. */
  public static String archRows(Kernel k, int prec) {
    StringBuilder sb = new StringBuilder();
    sb.append(Fmt.right("SPU", prec)).append(": ");
    k.onlineMask().forEach(c -> sb.append(Fmt.right("0", 10)).append(' '));
    sb.append("  Spurious interrupts\n");
    sb.append(Fmt.right("ERR", prec)).append(": ").append(Fmt.right("0", 10)).append('\n');
    sb.append(Fmt.right("MIS", prec)).append(": ").append(Fmt.right("0", 10)).append('\n');
    return sb.toString();
  }
}
