package irqlab.cli;

import irqlab.kernel.cpu.CpuMask;
import irqlab.report.TermLayout;

/**
 * --cpus and --width: which CPU columns to print and the line width to fit. Without --width the
 * width is COLUMNS when it holds a number (./irqlab exports the terminal's width when its output
 * is a terminal), else unlimited; nothing else that could vary between runs is consulted.
 */
final class Layouts {
  /** The narrowest width worth fitting. */
  static final int MIN_WIDTH = 20;

  private Layouts() {}

  static TermLayout of(String command, String cpus, Integer width) {
    return of(command, cpus, width, System.getenv("COLUMNS"));
  }

  static TermLayout of(String command, String cpus, Integer width, String columnsEnv) {
    CpuMask mask = null;
    if (cpus != null) {
      try {
        mask = CpuMask.parseList(cpus);
      } catch (RuntimeException e) {
        throw new Main.BadInput(command + ": --cpus: bad cpu list '" + cpus + "'; expected e.g. 0-7 or 0,4,8-11");
      }
      if (mask.isEmpty()) {
        throw new Main.BadInput(command + ": --cpus: empty cpu list; expected e.g. 0-7 or 0,4,8-11");
      }
    }
    int w;
    if (width != null) {
      if (width != 0 && width < MIN_WIDTH) {
        throw new Main.BadInput(command + ": --width: expected 0 (no limit) or at least " + MIN_WIDTH + ", got " + width);
      }
      w = width;
    } else {
      w = fromEnv(columnsEnv);
    }
    return new TermLayout(mask, w);
  }

  private static int fromEnv(String columns) {
    if (columns == null || !columns.trim().matches("[0-9]{1,5}")) {
      return 0;
    }
    int w = Integer.parseInt(columns.trim());
    return w < MIN_WIDTH ? 0 : w;
  }
}
