package irqlab.report;

import java.util.List;

/** A plain text table: columns sized to their widest cell, two spaces apart, no trailing blanks. */
final class Table {
  private Table() {}

  /** {@code rightAlign[i]} right-aligns column i (numbers); other columns are left-aligned. */
  static String render(String[] head, List<String[]> rows, boolean[] rightAlign) {
    int n = head.length;
    int[] w = new int[n];
    for (int i = 0; i < n; i++) {
      w[i] = head[i].length();
    }
    for (String[] r : rows) {
      for (int i = 0; i < n; i++) {
        w[i] = Math.max(w[i], r[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    line(sb, head, w, rightAlign);
    for (String[] r : rows) {
      line(sb, r, w, rightAlign);
    }
    return sb.toString();
  }

  private static void line(StringBuilder sb, String[] cells, int[] w, boolean[] right) {
    StringBuilder l = new StringBuilder("  ");
    for (int i = 0; i < cells.length; i++) {
      if (i > 0) {
        l.append("  ");
      }
      l.append(right[i] ? Fmt.right(cells[i], w[i]) : Fmt.left(cells[i], w[i]));
    }
    int end = l.length();
    while (end > 0 && l.charAt(end - 1) == ' ') {
      end--;
    }
    sb.append(l, 0, end).append('\n');
  }
}
