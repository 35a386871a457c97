package irqlab.sim;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.importer.MachineImport;
import irqlab.importer.ProcInterruptsFile;
import irqlab.report.ProcInterrupts;
import irqlab.scenario.Scenario;
import irqlab.scenario.ScenarioParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * irqlab import's round trip: each reference /proc/interrupts imported, the scenario run to its mark
 * imported, and its /proc/interrupts compared with the file. The irqdbg kernel's (drivers built
 * in, irqlab's probe order): irq numbers, chips, hwirq-flow and names, row for row. The stock
 * kernel's (drivers as modules, loaded in another order, so other irq numbers): the same rows as
 * a set without the irq numbers.
 */
class ImportRoundTripTest {
  @ParameterizedTest
  @CsvSource({
    "q35-ir-4cpu, irqdbg, boot, 0", "q35-ir-4cpu, irqdbg, boot_linkup, 0", "q35-ir-4cpu, irqdbg, a_affinity, 0",
    "q35-ir-4cpu, irqdbg, b_offline_cpu1, 4", "q35-ir-4cpu, irqdbg, c_online_cpu1, 0",
    "q35-noir-4cpu, irqdbg, boot, 0", "q35-noir-4cpu, irqdbg, boot_linkup, 0", "q35-noir-4cpu, irqdbg, a_affinity, 0",
    "q35-noir-4cpu, irqdbg, b_offline_cpu1, 4", "q35-noir-4cpu, irqdbg, c_online_cpu1, 0",
    "pc-legacy-2cpu, irqdbg, boot, 0", "pc-legacy-2cpu, irqdbg, boot_linkup, 0", "pc-legacy-2cpu, irqdbg, a_affinity, 0",
    "pc-legacy-2cpu, irqdbg, b_offline_cpu1, 2", "pc-legacy-2cpu, irqdbg, c_online_cpu1, 0",
    "q35-ir-4cpu, stock, boot, 0", "q35-ir-4cpu, stock, boot_linkup, 0", "q35-ir-4cpu, stock, a_affinity, 0",
    "q35-ir-4cpu, stock, b_offline_cpu1, 4", "q35-ir-4cpu, stock, c_online_cpu1, 0",
    "q35-noir-4cpu, stock, boot, 0", "q35-noir-4cpu, stock, boot_linkup, 0", "q35-noir-4cpu, stock, a_affinity, 0",
    "q35-noir-4cpu, stock, b_offline_cpu1, 4", "q35-noir-4cpu, stock, c_online_cpu1, 0",
    "pc-legacy-2cpu, stock, boot, 0", "pc-legacy-2cpu, stock, boot_linkup, 0", "pc-legacy-2cpu, stock, a_affinity, 0",
    "pc-legacy-2cpu, stock, b_offline_cpu1, 2", "pc-legacy-2cpu, stock, c_online_cpu1, 0",
  })
  void importingTheDumpAndRunningItGivesItsRows(String config, String kernel, String phase, int cpus) throws IOException {
    Assumptions.assumeTrue(RefDump.present(), "reference dumps not present");
    Path file = RefDump.ROOT.resolve(config + "/" + kernel + "/" + phase + "/proc_interrupts");
    String text = Files.readString(file);
    String yaml = MachineImport.scenario(ProcInterruptsFile.parse(file.toString(), text), null, cpus);
    Scenario s = ScenarioParser.parse("imported.yaml", yaml);
    Machine m = Simulation.runUntil(s, s.seed(), s.markTime("imported").orElseThrow());
    List<String> got = irqRows(ProcInterrupts.render(m));
    m.close();
    List<String> want = irqRows(text);
    assertThat(want).isNotEmpty();
    if (kernel.equals("irqdbg")) {
      assertThat(got).as(yaml).containsExactlyElementsOf(want);
    } else {
      assertThat(withoutIrq(got)).as(yaml).containsExactlyInAnyOrderElementsOf(withoutIrq(want));
    }
  }

  /** The irq rows without their count columns: "25: IR-PCI-MSI-0000:00:1f.2 0-edge ahci[0000:00:1f.2]". */
  static List<String> irqRows(String text) {
    List<String> out = new ArrayList<>();
    for (String l : text.split("\n")) {
      if (l.matches("^\\s*\\d+:.*")) {
        String[] w = l.trim().split("\\s+");
        int i = 1;
        while (i < w.length && w[i].matches("\\d+")) {
          i++;
        }
        out.add(w[0] + " " + String.join(" ", java.util.Arrays.copyOfRange(w, i, w.length)));
      }
    }
    return out;
  }

  private static List<String> withoutIrq(List<String> rows) {
    return rows.stream().map(r -> r.substring(r.indexOf(' ') + 1)).toList();
  }
}
