package irqlab.importer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PCI functions of {@code lspci -n} ("00:02.0 0108: 1b36:0010 (rev 02)") or {@code lspci -nn}
 * ("00:02.0 Non-Volatile memory controller [0108]: Red Hat, Inc. QEMU NVM Express Controller
 * [1b36:0010] (rev 02)"), with or without the domain ({@code -D}).
 */
public record LspciFile(List<Function> functions) {
  /** One function: its address as irqlab writes it (0000:bb:dd.f) and vendor:device in hex. */
  public record Function(String bdf, String id) {}

  private static final Pattern N = Pattern.compile(
      "^((?:[0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7])\\s+[0-9a-fA-F]{4}:\\s+([0-9a-fA-F]{4}:[0-9a-fA-F]{4}).*$");
  private static final Pattern NN = Pattern.compile(
      "^((?:[0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7])\\s+.*\\[([0-9a-fA-F]{4}:[0-9a-fA-F]{4})\\].*$");

  public static LspciFile parse(String file, String text) {
    List<Function> fs = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String l = lines[i].replace("\r", "");
      if (l.isBlank() || Character.isWhitespace(l.charAt(0))) {
        continue;
      }
      Matcher m = N.matcher(l);
      if (!m.matches()) {
        m = NN.matcher(l);
      }
      if (!m.matches()) {
        throw new ImportException(file, i + 1, 1, "expected a line of 'lspci -n' or 'lspci -nn' (BB:DD.F CLASS:"
            + " VENDOR:DEVICE, or [VENDOR:DEVICE] after the names), got '" + ProcInterruptsFile.clip(l) + "'");
      }
      String bdf = m.group(1).toLowerCase();
      fs.add(new Function(bdf.length() == 7 ? "0000:" + bdf : bdf, m.group(2).toLowerCase()));
    }
    if (fs.isEmpty()) {
      throw new ImportException(file, 1, 1, "no PCI function listed: expected the output of 'lspci -n' or 'lspci -nn'");
    }
    return new LspciFile(List.copyOf(fs));
  }
}
