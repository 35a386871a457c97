package irqlab.importer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A /proc/interrupts as Linux prints it (kernel/irq/proc.c show_interrupts): the header of online
 * CPUs, then a row per requested irq (number, a count per CPU, chip name, hwirq and flow, the
 * actions), then the architecture rows, which carry counters only and are skipped.
 */
public record ProcInterruptsFile(String file, int cpus, List<Row> rows) {
  /** One irq: {@code hwirq} -1 where the irq has no domain; {@code actions} as listed, in order. */
  public record Row(int irq, String chip, long hwirq, String flow, List<String> actions, int line) {}

  private static final Pattern HEADER = Pattern.compile("^\\s*(CPU\\d+\\s*)+$");
  private static final Pattern IRQ_ROW = Pattern.compile("^\\s*(\\d+):((?:\\s+\\d+)*)\\s+(\\S+)\\s+(\\d*)-(\\S+)(?:\\s+(.*))?$");
  private static final Pattern ARCH_ROW = Pattern.compile("^\\s*[A-Z]{3}:.*$");

  public static ProcInterruptsFile parse(String file, String text) {
    String[] lines = text.split("\n", -1);
    if (lines.length == 0 || !HEADER.matcher(lines[0]).matches()) {
      throw new ImportException(file, 1, 1, "not a /proc/interrupts: expected its header of CPU columns"
          + " ('CPU0 CPU1 ...'), got '" + clip(lines.length == 0 ? "" : lines[0]) + "'");
    }
    int cpus = lines[0].trim().split("\\s+").length;
    List<Row> rows = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      String l = lines[i].replace("\r", "");
      if (l.isBlank() || ARCH_ROW.matcher(l).matches()) {
        continue;
      }
      Matcher m = IRQ_ROW.matcher(l);
      if (!m.matches()) {
        throw new ImportException(file, i + 1, 1, "expected an irq row ('N: counts CHIP HWIRQ-FLOW NAMES') or an"
            + " architecture row ('LOC: ...'), got '" + clip(l) + "'");
      }
      int counts = m.group(2).isBlank() ? 0 : m.group(2).trim().split("\\s+").length;
      if (counts != cpus) {
        int col = m.start(2) + m.group(2).length() - m.group(2).stripLeading().length() + 1;
        throw new ImportException(file, i + 1, col, "irq " + m.group(1) + ": " + counts
            + " count columns where the header has " + cpus + " CPUs");
      }
      List<String> actions = new ArrayList<>();
      if (m.group(6) != null && !m.group(6).isBlank()) {
        for (String a : m.group(6).split(",")) {
          actions.add(a.strip());
        }
      }
      long hwirq;
      try {
        hwirq = m.group(4).isEmpty() ? -1 : Long.parseLong(m.group(4));
        rows.add(new Row(Integer.parseInt(m.group(1)), m.group(3), hwirq, m.group(5), List.copyOf(actions), i + 1));
      } catch (NumberFormatException e) {
        throw new ImportException(file, i + 1, 1, "irq number or hwirq out of range in '" + clip(l) + "'");
      }
    }
    return new ProcInterruptsFile(file, cpus, List.copyOf(rows));
  }

  static String clip(String s) {
    String t = s.strip();
    return t.length() > 60 ? t.substring(0, 60) + "..." : t;
  }
}
