package irqlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import irqlab.report.TermLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** run and show interrupts on a 256-CPU machine (x2APIC, remapped): --cpus columns, --width and COLUMNS, the compact summary. */
class WideTablesTest {
  @TempDir static Path tmp;
  static Path wide;
  static JsonNode json;

  @BeforeAll
  static void scenario() throws IOException {
    wide = tmp.resolve("wide.yaml");
    Files.writeString(wide, """
        name: wide
        machine: { cpus: 256, remapping: intel }
        devices:
          - { id: nic0, type: nic, msix: { table: 64 }, queues: 64 }
          - { id: nic1, type: nic, msix: { table: 2 }, queues: 2 }
        drivers:
          - { device: nic0, vectors: { min: 1, max: 64, kind: msix, affinity: managed } }
          - { device: nic1, vectors: { min: 1, max: 2, kind: msix } }
        timeline:
          - { at: 0ms, traffic: { device: nic0, rate: 20k/s, for: 4ms } }
          - { at: 0ms, traffic: { device: nic1, rate: 50k/s, for: 12ms } }
          - { at: 1ms, set-affinity: { irq: nic1/msix/0, cpus: [100] } }
          - { at: 6ms, set-affinity: { irq: nic1/msix/0, cpus: [200] } }
        """);
    json = new ObjectMapper().readTree(Cli.run("run", wide.toString(), "--json").out());
  }

  static List<String> section(String out, String title) {
    String[] lines = out.split("\n");
    List<String> l = new ArrayList<>();
    boolean in = false;
    for (String s : lines) {
      if (s.startsWith(title)) {
        in = true;
        continue;
      }
      if (in && s.isEmpty()) {
        break;
      }
      if (in) {
        l.add(s);
      }
    }
    return l;
  }

  @Test
  void cpusSelectsTheColumnsAndTheRestAddsUp() {
    Cli c = Cli.run("run", wide.toString(), "--cpus", "0-3,100");
    assertThat(c.rc()).isZero();
    List<String> t = section(c.out(), "Interrupts (delivered");
    assertThat(t.get(0).trim().split(" +")).containsExactly("name", "irq", "action", "CPU0", "CPU1", "CPU2", "CPU3",
        "CPU100", "other-CPUs", "total", "spurious", "affinity", "effective");
    for (JsonNode irq : json.get("irqs")) {
      String row = t.stream().filter(l -> l.trim().startsWith(irq.get("name").asText() + " ")).findFirst().orElseThrow();
      String[] f = row.trim().split(" +");
      long[] d = new long[256];
      for (int i = 0; i < 256; i++) {
        d[i] = irq.get("delivered").get(i).asLong();
      }
      assertThat(f[3]).isEqualTo(Long.toString(d[0]));
      assertThat(f[7]).isEqualTo(Long.toString(d[100]));
      long rest = Arrays.stream(d).sum() - d[0] - d[1] - d[2] - d[3] - d[100];
      assertThat(f[8]).isEqualTo(Long.toString(rest));
      assertThat(f[9]).isEqualTo(Long.toString(Arrays.stream(d).sum()));
    }
  }

  @Test
  void aNarrowWidthGivesTheBusiestCpusPerIrq() {
    Cli c = Cli.run("run", wide.toString(), "--cpus", "0-255", "--width", "90");
    assertThat(c.rc()).isZero();
    List<String> t = section(c.out(), "Interrupts (delivered");
    assertThat(t.get(0)).contains("total").contains("cpus").contains("busiest");
    for (String l : t) {
      assertThat(l.length()).as(l).isLessThanOrEqualTo(90);
    }
    JsonNode moved = null;
    for (JsonNode irq : json.get("irqs")) {
      if (irq.get("name").asText().equals("nic1/msix/0")) {
        moved = irq;
      }
    }
    // The moved interrupt ran on three CPUs; the busiest comes first, as cpu:count.
    List<long[]> nz = new ArrayList<>();
    for (int i = 0; i < 256; i++) {
      long v = moved.get("delivered").get(i).asLong();
      if (v != 0) {
        nz.add(new long[] {i, v});
      }
    }
    assertThat(nz).hasSize(3);
    nz.sort((a, b) -> a[1] != b[1] ? Long.compare(b[1], a[1]) : Long.compare(a[0], b[0]));
    String row = t.stream().filter(l -> l.trim().startsWith("nic1/msix/0 ")).findFirst().orElseThrow();
    // 90 columns leave room for the busiest only; the others are counted.
    assertThat(row).endsWith("  " + nz.get(0)[0] + ":" + nz.get(0)[1] + " +2");
    assertThat(row.trim().split(" +")[5]).isEqualTo("3");
    List<String> t110 = section(Cli.run("run", wide.toString(), "--cpus", "0-255", "--width", "110").out(),
        "Interrupts (delivered");
    String row110 = t110.stream().filter(l -> l.trim().startsWith("nic1/msix/0 ")).findFirst().orElseThrow();
    assertThat(row110).endsWith("  " + nz.get(0)[0] + ":" + nz.get(0)[1] + " " + nz.get(1)[0] + ":" + nz.get(1)[1] + " "
        + nz.get(2)[0] + ":" + nz.get(2)[1]);
  }

  @Test
  void columnsComesFromTheEnvironmentAndFlagsWin() {
    assertThat(Layouts.of("t", null, null, "100")).isEqualTo(new TermLayout(null, 100));
    assertThat(Layouts.of("t", null, null, "wide")).isEqualTo(new TermLayout(null, 0));
    assertThat(Layouts.of("t", null, null, null)).isEqualTo(TermLayout.DEFAULT);
    assertThat(Layouts.of("t", null, 0, "100")).isEqualTo(TermLayout.DEFAULT);
    assertThat(Layouts.of("t", null, 120, "100").width()).isEqualTo(120);
  }

  @Test
  void showInterruptsSelectsColumnsOrSummarises() {
    Cli all = Cli.run("show", wide.toString(), "interrupts");
    Cli some = Cli.run("show", wide.toString(), "interrupts", "--cpus", "0-3");
    assertThat(some.rc()).isZero();
    // The first line names the kernel ("# Kernel: 6.12 ..."); /proc/interrupts follows.
    assertThat(all.out()).startsWith("# Kernel: 6.12 ");
    String[] a = all.out().substring(all.out().indexOf('\n') + 1).split("\n");
    String[] s = some.out().substring(some.out().indexOf('\n') + 1).split("\n");
    int prec = a[0].indexOf("CPU0") - 8; // 4: nr_irqs of a 256-CPU machine has four digits
    assertThat(prec).isEqualTo(4);
    assertThat(s[0]).isEqualTo(" ".repeat(prec + 8) + "CPU0       CPU1       CPU2       CPU3       ");
    assertThat(s).hasSameSizeAs(a);
    // Each row keeps its chip, hwirq-flow and action (an architecture row its label); only the
    // count columns went. ERR and MIS, the last two, have one count.
    for (int i = 1; i < a.length - 2; i++) {
      assertThat(s[i].substring(0, prec + 2 + 4 * 11)).isEqualTo(a[i].substring(0, prec + 2 + 4 * 11));
      assertThat(s[i].substring(prec + 2 + 4 * 11)).isEqualTo(a[i].substring(prec + 2 + 256 * 11));
    }
    // 256 CPUs need x2APIC and so remapping: the IR- chip names take 74 columns before the
    // busiest column, which keeps its minimum room (8), so 82 is the narrowest this table gets.
    Cli narrow = Cli.run("show", wide.toString(), "interrupts", "--width", "84");
    for (String l : narrow.out().split("\n")) {
      assertThat(l.length()).as(l).isLessThanOrEqualTo(84);
    }
    assertThat(narrow.out()).startsWith("# Kernel: 6.12 (Linux 6.12.117 as shipped)\n  IRQ  total  cpus  chip")
        .contains("  24:");
    assertThat(Cli.run("show", wide.toString(), "interrupts", "--width", "84").out()).isEqualTo(narrow.out());
  }

  @Test
  void badSelectionsAreOneLineAndExitTwo() {
    for (String[] args : new String[][] {
        {"run", "nic-basic", "--cpus", "x"}, {"run", "nic-basic", "--cpus", "3-1"}, {"run", "nic-basic", "--width", "5"},
        {"show", "nic-basic", "vectors", "--cpus", "0"}, {"show", "nic-basic", "interrupts", "--dot"}}) {
      Cli c = Cli.run(args);
      assertThat(c.rc()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(c.err().strip()).doesNotContain("\n").startsWith("irqlab ");
      assertThat(c.out()).isEmpty();
    }
  }

  @Test
  void withoutSelectionOrWidthTheOutputIsAsBefore() {
    Cli plain = Cli.run("run", "nic-tour");
    assertThat(Cli.run("run", "nic-tour", "--width", "0").out()).isEqualTo(plain.out());
    assertThat(Cli.run("run", "nic-tour", "--width", "400").out()).isEqualTo(plain.out());
  }
}
