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

  private static final Pattern CPU = Pattern.compile("CPU\\d{1,9}");
  private static final Pattern HWIRQ_FLOW = Pattern.compile("^(\\d*)(?:-(\\S+))?$");
  private static final Pattern ARCH_ROW = Pattern.compile("^\\s*[A-Z]{3}:.*$");

  public static ProcInterruptsFile parse(String file, String text) {
    String[] lines = text.split("\n", -1);
    if (lines.length == 0 || !header(lines[0])) {
      throw new ImportException(file, 1, 1, "not a /proc/interrupts: expected its header of CPU columns"
          + " ('CPU0 CPU1 ...'), got '" + clip(lines.length == 0 ? "" : lines[0]) + "'");
    }
    int cpus = lines[0].strip().split("\\s+").length;
    List<Row> rows = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      String l = lines[i].replace("\r", "");
      if (l.isBlank() || ARCH_ROW.matcher(l).matches()) {
        continue;
      }
      rows.add(row(file, i + 1, l, cpus));
    }
    return new ProcInterruptsFile(file, cpus, List.copyOf(rows));
  }

  /**
   * One irq row, scanned word by word (no backtracking on long lines): "N:", a count per CPU, the
   * chip, "HWIRQ-FLOW" (HWIRQ empty without a domain, no flow without a name), then the actions as
   * printed, ", " between them.
   */
  private static Row row(String file, int line, String l, int cpus) {
    int[] pos = {0};
    String first = word(l, pos);
    if (!first.matches("\\d{1,9}:")) {
      throw new ImportException(file, line, 1, "expected an irq row ('N: counts CHIP HWIRQ-FLOW NAMES') or an"
          + " architecture row ('LOC: ...'), got '" + clip(l) + "'");
    }
    int irq = Integer.parseInt(first.substring(0, first.length() - 1));
    int counts = 0;
    int firstCount = -1;
    String w;
    int at;
    while (true) {
      at = skipBlanks(l, pos[0]);
      w = word(l, pos);
      if (!w.matches("\\d+")) {
        break;
      }
      firstCount = firstCount < 0 ? at : firstCount;
      counts++;
    }
    if (counts != cpus) {
      throw new ImportException(file, line, (firstCount < 0 ? at : firstCount) + 1, "irq " + irq + ": " + counts
          + " count columns where the header has " + cpus + " CPUs");
    }
    String chip = w;
    int hwAt = skipBlanks(l, pos[0]);
    Matcher hf = HWIRQ_FLOW.matcher(word(l, pos));
    if (chip.isEmpty() || !hf.matches()) {
      throw new ImportException(file, line, (chip.isEmpty() ? at : hwAt) + 1, "irq " + irq
          + ": expected the chip name and HWIRQ-FLOW (e.g. 'IR-PCI-MSIX-0000:00:02.0   0-edge') after the counts");
    }
    long hwirq;
    try {
      hwirq = hf.group(1).isEmpty() ? -1 : Long.parseLong(hf.group(1));
    } catch (NumberFormatException e) {
      throw new ImportException(file, line, hwAt + 1, "irq " + irq + ": hwirq " + hf.group(1) + " out of range");
    }
    List<String> actions = new ArrayList<>();
    String rest = l.substring(Math.min(pos[0], l.length())).strip();
    if (!rest.isEmpty()) {
      for (String a : rest.split(", ")) {
        actions.add(a.strip());
      }
    }
    return new Row(irq, chip, hwirq, hf.group(2) == null ? "" : hf.group(2), List.copyOf(actions), line);
  }

  /** The header: the online CPUs' columns, "CPU0 CPU1 ..." (word by word: a header of 1,024 CPUs is long). */
  private static boolean header(String l) {
    String t = l.strip();
    if (t.isEmpty()) {
      return false;
    }
    for (String w : t.split("\\s+")) {
      if (!CPU.matcher(w).matches()) {
        return false;
      }
    }
    return true;
  }

  private static int skipBlanks(String l, int i) {
    while (i < l.length() && Character.isWhitespace(l.charAt(i))) {
      i++;
    }
    return i;
  }

  /** The next blank-separated word from {@code pos[0]} ("" at the end), {@code pos[0]} moved past it. */
  private static String word(String l, int[] pos) {
    int i = skipBlanks(l, pos[0]);
    int j = i;
    while (j < l.length() && !Character.isWhitespace(l.charAt(j))) {
      j++;
    }
    pos[0] = j;
    return l.substring(i, j);
  }

  static String clip(String s) {
    String t = s.strip();
    return t.length() > 60 ? t.substring(0, 60) + "..." : t;
  }
}
