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
 * every interrupt with an action, then the architecture rows.
 *
 * <p>The architecture rows are those of the reference kernel, in its order; see {@link
 * #archRows} for which counters irqlab keeps (LOC, MCP, MIS) and which read 0.
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
    return layout.tooWide(full) ? compact(k, layout, prec) : full + archRows(k, prec, cols);
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
        + "  (" + k.onlineMask().cardinality() + " online CPUs; the architecture rows, LOC to MIS, are left out)\n";
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
   * Whether show_interrupts prints a row (kernel/irq/proc.c, 6.12): not hidden and with an action;
   * a line freed after it counted interrupts has none and is not listed.
   */
  public static boolean shown(IrqDesc d) {
    return d != null && (d.status() & STATUS_HIDDEN) == 0 && d.action() != null;
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
      for (var a = d.action().next(); a != null; a = a.next()) {
        sb.append(", ").append(a.name());
      }
    }
    return sb.append('\n').toString();
  }

  /** One arch_show_interrupts row per CPU counter, in the kernel's order with its label. */
  private record ArchRow(String name, String label) {}

  /**
   * The rows of the reference guests' kernel (CONFIG_X86_LOCAL_APIC, SMP, THERMAL_VECTOR,
   * MCE_THRESHOLD, MCE_AMD, MCE; no PLT, HYP, HRE, HVS, PIN, NPI, PIW, PMN there).
   */
  private static final List<ArchRow> ARCH_ROWS = List.of(
      new ArchRow("NMI", "Non-maskable interrupts"),
      new ArchRow("LOC", "Local timer interrupts"),
      new ArchRow("SPU", "Spurious interrupts"),
      new ArchRow("PMI", "Performance monitoring interrupts"),
      new ArchRow("IWI", "IRQ work interrupts"),
      new ArchRow("RTR", "APIC ICR read retries"),
      new ArchRow("RES", "Rescheduling interrupts"),
      new ArchRow("CAL", "Function call interrupts"),
      new ArchRow("TLB", "TLB shootdowns"),
      new ArchRow("TRM", "Thermal event interrupts"),
      new ArchRow("THR", "Threshold APIC interrupts"),
      new ArchRow("DFR", "Deferred Error APIC interrupts"),
      new ArchRow("MCE", "Machine check exceptions"),
      new ArchRow("MCP", "Machine check polls"));

  /**
   * arch_show_interrupts: one row per counter and online CPU, then ERR and MIS. irqlab counts
   * LOC (the HZ tick while online), MCP (one poll per bring-up and per 5 minutes online) and MIS
   * (IO-APIC level interrupts the APIC saw as edge); it has no NMIs, performance counters, IRQ
   * work, scheduler or TLB IPIs, thermal or machine-check events, spurious APIC vectors or APIC
   * errors, so those read 0.
   */
  public static String archRows(Kernel k, int prec) {
    return archRows(k, prec, k.onlineMask());
  }

  /** The same with the per-CPU rows restricted to the CPUs {@code cols} (online ones). */
  static String archRows(Kernel k, int prec, CpuMask cols) {
    StringBuilder sb = new StringBuilder();
    for (ArchRow r : ARCH_ROWS) {
      sb.append(Fmt.right(r.name(), prec)).append(": ");
      cols.forEach(c -> sb.append(Fmt.right(Fmt.u32(archCount(k, r.name(), c)), 10)).append(' '));
      sb.append("  ").append(r.label()).append('\n');
    }
    sb.append(Fmt.right("ERR", prec)).append(": ").append(Fmt.right("0", 10)).append('\n');
    long mis = k.ioApic() == null ? 0 : k.ioApic().misCount();
    sb.append(Fmt.right("MIS", prec)).append(": ").append(Fmt.right(Fmt.u32(mis), 10)).append('\n');
    return sb.toString();
  }

  private static long archCount(Kernel k, String row, int cpu) {
    return switch (row) {
      case "LOC" -> k.irqStat().localTimer(cpu);
      case "MCP" -> k.irqStat().machineCheckPolls(cpu);
      default -> 0;
    };
  }
}
