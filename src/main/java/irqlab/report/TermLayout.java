package irqlab.report;

import irqlab.kernel.cpu.CpuMask;
import java.util.ArrayList;
import java.util.List;

/**
 * How per-CPU tables fit a terminal: {@code cpus} selects the CPU columns ({@code --cpus 0-7}, null
 * for the default), {@code width} is the line width to fit ({@code --width} or COLUMNS; 0 for no
 * limit). A table wider than {@code width} becomes a compact per-interrupt summary with the busiest
 * CPUs, as irqtop-style tools print it. Nothing here reads the terminal: the same command line and
 * environment give the same bytes.
 */
public record TermLayout(CpuMask cpus, int width) {
  /** No selection and no width: the layout irqlab always printed. */
  public static final TermLayout DEFAULT = new TermLayout(null, 0);

  /** Whether {@code cpu} gets a column. */
  boolean shows(int cpu) {
    return cpus == null || cpus.contains(cpu);
  }

  /** Whether {@code text} has a line longer than the width. */
  boolean tooWide(String text) {
    if (width <= 0) {
      return false;
    }
    int start = 0;
    while (start < text.length()) {
      int nl = text.indexOf('\n', start);
      int end = nl < 0 ? text.length() : nl;
      if (end - start > width) {
        return true;
      }
      start = end + 1;
    }
    return false;
  }

  /**
   * The non-zero counts among the selected CPUs, busiest first (ties: lower CPU first), as
   * "cpu:count" items that fit {@code room} characters; "+N" counts the CPUs left out. At least the
   * busiest is shown. "-" when no selected CPU counted anything.
   */
  String busiest(long[] counts, int room) {
    List<int[]> nz = new ArrayList<>();
    for (int c = 0; c < counts.length; c++) {
      if (counts[c] != 0 && shows(c)) {
        nz.add(new int[] {c});
      }
    }
    if (nz.isEmpty()) {
      return "-";
    }
    nz.sort((a, b) -> {
      int byCount = Long.compare(counts[b[0]], counts[a[0]]);
      return byCount != 0 ? byCount : Integer.compare(a[0], b[0]);
    });
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < nz.size(); i++) {
      String item = nz.get(i)[0] + ":" + counts[nz.get(i)[0]];
      int left = nz.size() - i - 1;
      String rest = left == 0 ? "" : " +" + left;
      if (i > 0 && sb.length() + 1 + item.length() + rest.length() > room) {
        return sb.append(" +").append(nz.size() - i).toString();
      }
      sb.append(i == 0 ? "" : " ").append(item);
    }
    return sb.toString();
  }

  /** How many selected CPUs counted something. */
  int active(long[] counts) {
    int n = 0;
    for (int c = 0; c < counts.length; c++) {
      if (counts[c] != 0 && shows(c)) {
        n++;
      }
    }
    return n;
  }
}
