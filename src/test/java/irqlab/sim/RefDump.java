package irqlab.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rows of a reference dump's irq_table (/work/shared/reference/linux-6.12/CONFIG/irqdbg/PHASE/):
 * what a real Linux 6.12.117 guest showed for each interrupt, keyed by its action name.
 */
final class RefDump {
  static final Path ROOT = Path.of("/work/shared/reference/linux-6.12");

  /** One irq_table row: irq|chip_name|hwirq|name|type|actions|smp_affinity_list|effective|node|counts. */
  record Row(int irq, String chip, String hwirq, String flow, String type, String actions, String affinity,
      String effective, String node) {}

  private RefDump() {}

  static boolean present() {
    return Files.isDirectory(ROOT);
  }

  /** The rows of CONFIG/irqdbg/PHASE/irq_table with an action, by action name. */
  static Map<String, Row> rows(String config, String phase) {
    Map<String, Row> m = new LinkedHashMap<>();
    for (String line : lines(config + "/irqdbg/" + phase + "/irq_table")) {
      if (line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\\|", -1);
      Row r = new Row(Integer.parseInt(f[0]), f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8]);
      if (!r.actions().isEmpty()) {
        m.put(r.actions(), r);
      }
    }
    return m;
  }

  /** The rows of an irq_table by irq number. */
  static Map<Integer, Row> byIrq(String config, String phase) {
    Map<Integer, Row> m = new LinkedHashMap<>();
    for (String line : lines(config + "/irqdbg/" + phase + "/irq_table")) {
      if (!line.startsWith("#")) {
        String[] f = line.split("\\|", -1);
        m.put(Integer.parseInt(f[0]), new Row(Integer.parseInt(f[0]), f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8]));
      }
    }
    return m;
  }

  static List<String> lines(String rel) {
    try {
      return Files.readAllLines(ROOT.resolve(rel));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
