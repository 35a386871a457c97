package irqlab.report;

import java.util.List;

/** A plain text table: columns sized to their widest cell, two spaces apart, no trailing blanks. */
final class Table {
  private Table() {}

  /** The least room the last column of {@link #renderFitting} gets, whatever the width. */
  static final int MIN_ROOM = 8;

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

  /**
   * A table whose last column is filled last, per row, with what fits the line width left by the
   * other columns: {@code last.apply(row, room)} (room at least {@link #MIN_ROOM}, so a narrow width
   * still shows something). A header that does not fit keeps its first word.
   */
  static String renderFitting(String[] head, List<String[]> rows, boolean[] rightAlign, String lastHead, int width,
      java.util.function.BiFunction<Integer, Integer, String> last) {
    int n = head.length;
    int used = 2;
    for (int i = 0; i < n; i++) {
      int w = head[i].length();
      for (String[] r : rows) {
        w = Math.max(w, r[i].length());
      }
      used += w + 2;
    }
    int room = Math.max(MIN_ROOM, width - used);
    String[] h = java.util.Arrays.copyOf(head, n + 1);
    String shortHead = lastHead.contains(" ") ? lastHead.substring(0, lastHead.indexOf(' ')) : lastHead;
    h[n] = lastHead.length() <= room ? lastHead : shortHead.length() <= room ? shortHead : shortHead.substring(0, room);
    boolean[] right = java.util.Arrays.copyOf(rightAlign, n + 1);
    List<String[]> full = new java.util.ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      String[] r = java.util.Arrays.copyOf(rows.get(i), n + 1);
      r[n] = last.apply(i, room);
      full.add(r);
    }
    return render(h, full, right);
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
