package irqlab.report;

import irqlab.scenario.Durations;
import irqlab.scenario.Scenario;
import irqlab.scenario.ScenarioParser;
import irqlab.sim.Machine;
import irqlab.sim.Simulation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lines copied verbatim from the Linux 6.12 reference dumps in
 * /work/shared/reference/linux-6.12/ (q35-noir-4cpu/irqdbg/a_affinity unless noted), a test
 * machine whose devices sit where the reference machine's do, and a normalisation that keeps a
 * line's layout but not its values.
 */
final class Ref {
  private Ref() {}

  static final Path ROOT = Path.of("/work/shared/reference/linux-6.12");
  static final String NOIR = "q35-noir-4cpu/irqdbg/a_affinity/";

  // proc_interrupts (4 CPUs), lines 1, 8, 9, 28, 40, 41.
  static final String PI_HEADER_4 = "           CPU0       CPU1       CPU2       CPU3       ";
  static final String PI_ROW_24 =
      " 24:          0          0          0          0  PCI-MSI-0000:00:1f.2   0-edge      ahci[0000:00:1f.2]";
  static final String PI_ROW_25 =
      " 25:          0          0          0         16  PCI-MSIX-0000:00:02.0   0-edge      nvme0q0";
  static final String PI_SPU_4 = "SPU:          0          0          0          0   Spurious interrupts";
  static final String PI_ERR = "ERR:          0";
  static final String PI_MIS = "MIS:          0";
  // pc-legacy-2cpu/irqdbg/a_affinity/proc_interrupts, lines 1 and 15.
  static final String PI_HEADER_2 = "           CPU0       CPU1       ";
  static final String PI_SPU_2 = "SPU:          0          0   Spurious interrupts";

  /** irq_irqs/26: nvme0q1, a managed MSI-X vector started on CPU 0. */
  static final String IRQ_26 = String.join("\n",
      "handler:  handle_edge_irq",
      "device:   0000:00:02.0",
      "status:   0x00000000",
      "istate:   0x00004000",
      "ddepth:   0",
      "wdepth:   0",
      "dstate:   0x19601200",
      "            IRQD_ACTIVATED",
      "            IRQD_IRQ_STARTED",
      "            IRQD_SINGLE_TARGET",
      "            IRQD_AFFINITY_SET",
      "            IRQD_AFFINITY_MANAGED",
      "            IRQD_AFFINITY_ON_ACTIVATE",
      "            IRQD_HANDLE_ENFORCE_IRQCTX",
      "node:     0",
      "affinity: 0",
      "effectiv: 0",
      "pending:  ",
      "domain:  PCI-MSIX-0000:00:02.0-12",
      " hwirq:   0x1",
      " chip:    PCI-MSIX-0000:00:02.0",
      "  flags:   0x430",
      "             IRQCHIP_SKIP_SET_WAKE",
      "             IRQCHIP_ONESHOT_SAFE",
      " parent:",
      "    domain:  VECTOR",
      "     hwirq:   0x1a",
      "     chip:    APIC",
      "      flags:   0x0",
      "     Vector:    32",
      "     Target:     0",
      "     move_in_progress: 0",
      "     is_managed:       1",
      "     can_reserve:      0",
      "     has_reserved:     0",
      "     cleanup_pending:  0") + "\n";

  /** pc-legacy-2cpu/irqdbg/a_affinity/irq_irqs/10, the VECTOR level of a move under way. */
  static final List<String> VECTOR_LEVEL_MOVING = List.of(
      "    domain:  VECTOR",
      "     hwirq:   0xa",
      "     chip:    APIC",
      "      flags:   0x0",
      "     Vector:    37",
      "     Target:     1",
      "     Previous vector:    36",
      "     Previous target:     0",
      "     move_in_progress: 1",
      "     is_managed:       0",
      "     can_reserve:      1",
      "     has_reserved:     0",
      "     cleanup_pending:  0");

  /** all_domains/irq_domains/VECTOR. */
  static final String DOMAIN_VECTOR = String.join("\n",
      "name:   VECTOR",
      " size:   0",
      " mapped: 37",
      " flags:  0x00000103",
      "            IRQ_DOMAIN_FLAG_HIERARCHY",
      "            IRQ_DOMAIN_NAME_ALLOCATED",
      "            IRQ_DOMAIN_FLAG_MSI_PARENT",
      "Online bitmaps:        4",
      "Global available:    780",
      "Global reserved:      13",
      "Total allocated:      24",
      "System: 37: 0-21,29,50,128,236,244,246-255",
      " | CPU | avl | man | mac | act | vectors",
      "     0   195     1     1    6  32-36,48",
      "     1   195     1     1    6  32-37",
      "     2   195     1     1    6  32-37",
      "     3   195     1     1    6  32-37") + "\n";

  /** all_domains/irq_domains/PCI-MSIX-0000:00:02.0-12. */
  static final String DOMAIN_NVME = String.join("\n",
      "name:   PCI-MSIX-0000:00:02.0-12",
      " size:   0",
      " mapped: 5",
      " flags:  0x00000213",
      "            IRQ_DOMAIN_FLAG_HIERARCHY",
      "            IRQ_DOMAIN_NAME_ALLOCATED",
      "            IRQ_DOMAIN_FLAG_MSI",
      "            IRQ_DOMAIN_FLAG_MSI_DEVICE",
      " parent: VECTOR",
      "    name:   VECTOR",
      "     size:   0",
      "     mapped: 37",
      "     flags:  0x00000103",
      "                IRQ_DOMAIN_FLAG_HIERARCHY",
      "                IRQ_DOMAIN_NAME_ALLOCATED",
      "                IRQ_DOMAIN_FLAG_MSI_PARENT",
      "Online bitmaps:        4",
      "Global available:    780",
      "Global reserved:      13",
      "Total allocated:      24",
      "System: 37: 0-21,29,50,128,236,244,246-255",
      "     | CPU | avl | man | mac | act | vectors",
      "         0   195     1     1    6  32-36,48",
      "         1   195     1     1    6  32-37",
      "         2   195     1     1    6  32-37",
      "         3   195     1     1    6  32-37") + "\n";

  /**
   * Devices where the reference machine has them: AHCI at 00:1f.2 with one non-maskable MSI takes
   * irq 24 as on the reference machine, because its driver registers first (the legacy-msi driver
   * is listed first: different drivers probe in registration order, Machine.probeOrder), then
   * nvme0 at 00:02.0 with managed MSI-X (irqs 25-28; index 0 is on CPU 0) and eth1 at 00:03.0
   * with unmanaged, reservation-mode MSI-X, one vector of which is moved at 1ms.
   */
  static final String YAML = """
      name: report-test
      seed: 7
      machine:
        cpus: 4
      devices:
        - id: ahci
          bdf: "0000:00:1f.2"
          type: legacy-msi
          queues: 1
        - id: nvme0
          bdf: "0000:00:02.0"
          type: nic
          msix: { table: 8 }
          queues: 4
        - id: eth1
          bdf: "0000:00:03.0"
          type: nic
          msix: { table: 4 }
          queues: 2
      drivers:
        - device: ahci
          vectors: { min: 1, max: 1, kind: msi, affinity: none }
        - device: nvme0
          vectors: { min: 1, max: 4, kind: msix, affinity: managed }
        - device: eth1
          vectors: { min: 1, max: 2, kind: msix, affinity: none }
      timeline:
        - at: 0ms
          traffic: { device: nvme0, queues: all, rate: 50k/s, for: 2ms }
        - at: 0ms
          traffic: { device: eth1, queues: all, rate: 50k/s, for: 2ms }
        - at: 1ms
          set-affinity: { irq: eth1/msix/0, cpus: [2] }
      """;

  static Scenario scenario() {
    return ScenarioParser.parse("report-test.yaml", YAML);
  }

  static Machine machineAt(String time) {
    return Simulation.runUntil(scenario(), 7, Durations.parse(time));
  }

  /** The lines of a text whose every line ends in "\n". */
  static List<String> lines(String text) {
    List<String> l = new ArrayList<>(List.of(text.split("\n", -1)));
    if (text.endsWith("\n")) {
      l.remove(l.size() - 1);
    }
    return l;
  }

  /** Decimal numbers standing alone (not inside a name like 0000:00:02.0 or nvme0q0). */
  private static final Pattern NUMBER = Pattern.compile("(?<![0-9A-Za-z:.\\-])[0-9]+");
  private static final Pattern HEX = Pattern.compile("0x[0-9a-f]+");
  /** "key: value" lines of the debugfs files, the value a number, a list or nothing. */
  private static final Pattern KEY_VALUE =
      Pattern.compile("^(\\s*[A-Za-z][A-Za-z_ ]*:\\s*)(-?[0-9]+(?:[-,][0-9]+)*)?$");
  /** Keys whose values the kernel prints right-aligned (%5u, %6u); other "key: %u" are left-aligned. */
  private static final List<String> RIGHT_ALIGNED = List.of("Vector", "Target", "Previous vector",
      "Previous target", "Online bitmaps", "Global available", "Global reserved", "Total allocated");
  /** A %*pbl list ending a line after two spaces (the matrix rows' "vectors" column). */
  private static final Pattern TRAILING_LIST = Pattern.compile("(?<=  )[0-9]+(?:[-,][0-9]+)*$");
  private static final Pattern SYSTEM = Pattern.compile("^System: [0-9]+: .*$");

  /**
   * The layout of a line without its values. Hex numbers become "0xH"; left-aligned values (a
   * "key: %u" or "%*pbl" list) become one "N" or "L" where they start; right-aligned numbers become
   * one "N" where their last digit is, so a field keeps the column the format gives it.
   */
  static String shape(String line) {
    String s = HEX.matcher(line).replaceAll("0xH");
    Matcher kv = KEY_VALUE.matcher(s);
    if (kv.matches()) {
      String key = kv.group(1).trim();
      key = key.substring(0, key.length() - 1);
      if (kv.group(2) == null) {
        return s;
      }
      if (!RIGHT_ALIGNED.contains(key)) {
        return kv.group(1) + (kv.group(2).matches("-?[0-9]+") ? "N" : "L");
      }
      return rightAligned(s);
    }
    if (SYSTEM.matcher(s).matches()) {
      return "System: N: L";
    }
    return rightAligned(TRAILING_LIST.matcher(s).replaceAll("L"));
  }

  private static String rightAligned(String s) {
    Matcher m = NUMBER.matcher(s);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, " ".repeat(m.group().length() - 1) + "N");
    }
    m.appendTail(sb);
    return sb.toString();
  }

  static List<String> shapes(List<String> lines) {
    List<String> out = new ArrayList<>();
    for (String l : lines) {
      out.add(shape(l));
    }
    return out;
  }

  /** The reference file's text, or null when the dumps are not on this machine. */
  static String readReference(String relative) {
    Path p = ROOT.resolve(relative);
    if (!Files.isRegularFile(p)) {
      return null;
    }
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
