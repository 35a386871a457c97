package irqlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** irqlab plan against the reference VECTOR files, and irqlab import's guesses and refusals. */
class PlanImportCliTest {
  private static final Path REF = Path.of("/work/shared/reference/linux-6.12");

  @TempDir Path tmp;

  /**
   * plan's per-CPU numbers are the VECTOR file's (avl, man, mac, act), and each CPU's offline answer
   * uses lapic_can_unplug_cpu's: its act - mac to move, global available minus its own avl.
   */
  @ParameterizedTest
  @CsvSource({"q35-ir-4cpu, boot_linkup", "q35-noir-4cpu, a_affinity", "pc-legacy-2cpu, boot_linkup"})
  void planReadsLikeTheVectorFile(String config, String phase) throws IOException {
    Assumptions.assumeTrue(Files.isDirectory(REF), "reference dumps not present");
    Cli c = Cli.run("plan", config, "--at", phase);
    assertThat(c.rc()).as(c.err()).isZero();
    List<String> vector = Files.readAllLines(REF.resolve(config + "/irqdbg/" + phase + "/irq_domains/VECTOR"));
    int global = 0;
    int reserved = 0;
    Pattern row = Pattern.compile("^\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s.*");
    for (String l : vector) {
      if (l.startsWith("Global available:")) {
        global = Integer.parseInt(l.replaceAll("\\D", ""));
      } else if (l.startsWith("Global reserved:")) {
        reserved = Integer.parseInt(l.replaceAll("\\D", ""));
      }
    }
    assertThat(c.out()).contains("Global: available " + global + ", reserved " + reserved + " ");
    int cpus = 0;
    for (String l : vector) {
      Matcher m = row.matcher(l);
      if (!m.matches()) {
        continue;
      }
      cpus++;
      int cpu = Integer.parseInt(m.group(1));
      int avl = Integer.parseInt(m.group(2));
      int man = Integer.parseInt(m.group(3));
      int mac = Integer.parseInt(m.group(4));
      int act = Integer.parseInt(m.group(5));
      assertThat(c.out()).containsPattern("(?m)^\\s+" + cpu + "  yes\\s+" + avl + "\\s+" + act + "\\s+" + man + "\\s+"
          + mac + "\\s+\\d+$");
      assertThat(c.out()).containsPattern("(?m)^\\s+" + cpu + "  yes\\s+" + (act - mac) + "\\s+" + (global - avl)
          + "\\s+" + reserved + "  " + (cpu == 0 ? "no: CPU 0 is not hotpluggable" : "yes$"));
    }
    assertThat(cpus).isPositive();
  }

  /** A CPU whose vectors the others cannot take: ENOSPC with the kernel's numbers, as cpu-offline-enospc shows. */
  @Test
  void planSaysWhichCpuCannotGo() {
    Cli c = Cli.run("plan", "cpu-offline-enospc", "--at", "0ms");
    assertThat(c.rc()).as(c.err()).isZero();
    assertThat(c.out()).containsPattern("no: ENOSPC, \"CPU \\d+ has \\d+ vectors, \\d+ available. Cannot disable CPU\"");
  }

  @Test
  void planAddShowsTheDeviceAndTheChange() {
    Cli c = Cli.run("plan", "q35-noir-4cpu", "--at", "boot_linkup", "--add", "nvme queues: 2");
    assertThat(c.rc()).as(c.err()).isZero();
    // nvme on 4 CPUs with 2 I/O queues: the admin vector and 2 managed ones, all requested.
    assertThat(c.out()).contains("add0 (nvme at 0000:00:04.0): probed; 3 interrupts allocated, 3 requested")
        .contains("allocated 27 (+3)");
  }

  @Test
  void planAddRefusesBadKeysInOneLine() {
    Cli c = Cli.run("plan", "nic-basic", "--add", "nvme queues: lots");
    assertThat(c.rc()).isEqualTo(2);
    assertThat(c.err().lines()).hasSize(1);
    assertThat(c.err()).startsWith("irqlab plan: --add \"nvme queues: lots\": queues: ");
    assertThat(c.out()).isEmpty();
  }

  /** A device the machine cannot have (virtio-net without MSI-X needs INTx, so a chipset) is refused at its --add. */
  @Test
  void planAddRefusesADeviceTheMachineCannotHave() {
    Cli c = Cli.run("plan", "nic-basic", "--add", "nvme", "--add", "virtio-net queues: 2");
    assertThat(c.rc()).isEqualTo(2);
    assertThat(c.err().lines()).hasSize(1);
    assertThat(c.err()).startsWith("irqlab plan: --add \"virtio-net queues: 2\": ");
    assertThat(c.out()).isEmpty();
  }

  @Test
  void importSaysWhereAFileIsNotProcInterrupts() throws IOException {
    Path f = Files.writeString(tmp.resolve("pi"), "           CPU0       CPU1\n  0:   1   2   IO-APIC   2-edge   timer\n"
        + "  1:   7   IO-APIC   1-edge   i8042\n");
    Cli c = Cli.run("import", "--proc-interrupts", f.toString());
    assertThat(c.rc()).isEqualTo(2);
    assertThat(c.err().strip()).isEqualTo(f + ":3:8: irq 1: 1 count columns where the header has 2 CPUs");
    Files.writeString(f, "hello\n");
    assertThat(Cli.run("import", "--proc-interrupts", f.toString()).err()).startsWith(f + ":1:1: not a /proc/interrupts");
    Files.write(f, new byte[] {(byte) 0xff, (byte) 0xfe, 0});
    assertThat(Cli.run("import", "--proc-interrupts", f.toString()).err().strip()).isEqualTo(f + ":1:1: not UTF-8 text");
  }

  /**
   * A device of a driver irqlab does not model keeps its vectors in the plan: the generic nic stands
   * in with as many, and the run allocates them on the same chip.
   */
  @Test
  void importKeepsTheVectorsOfAnUnknownDriver() throws IOException {
    Path pi = Files.writeString(tmp.resolve("pi"), """
                   CPU0       CPU1
         24:          5          0  PCI-MSIX-0000:3b:00.0   0-edge      i40e-0000:3b:00.0:misc
         25:          0          7  PCI-MSIX-0000:3b:00.0   1-edge      i40e-eth0-TxRx-0
         26:          0          7  PCI-MSIX-0000:3b:00.0   2-edge      i40e-eth0-TxRx-1
         27:          1          0  PCI-MSI-0000:00:05.0   0-edge      somedev
        LOC:         10         10   Local timer interrupts
        """);
    Cli c = Cli.run("import", "--proc-interrupts", pi.toString());
    assertThat(c.rc()).as(c.err()).isZero();
    assertThat(c.out()).contains("- { id: dev1, bdf: \"0000:3b:00.0\", type: nic, msix: { table: 3 }, queues: 3 }")
        .contains("- { device: dev1, vectors: { min: 3, max: 3, kind: msix } }")
        .contains("- { id: dev0, bdf: \"0000:00:05.0\", type: nic, msi: { vectors: 1 }, queues: 1 }")
        .contains("guess: names of a driver irqlab does not model");
    Path yaml = Files.writeString(tmp.resolve("imported.yaml"), c.out());
    Cli shown = Cli.run("show", yaml.toString(), "--at", "imported", "interrupts");
    assertThat(shown.rc()).as(shown.err()).isZero();
    assertThat(shown.out()).containsPattern("(?m)^ 24: .*PCI-MSI-0000:00:05.0   0-edge")
        .containsPattern("(?m)^ 27: .*PCI-MSIX-0000:3b:00.0   2-edge");
  }

  /** An lspci listing gives an INTx device its address, where the guess would be another slot. */
  @Test
  void importTakesIntxAddressesFromLspci() throws IOException {
    Path pi = Files.writeString(tmp.resolve("pi"), """
                   CPU0       CPU1
          0:        155          0   IO-APIC   2-edge      timer
         11:          1          0   IO-APIC  11-fasteoi   virtio0
        NMI:          0          0   Non-maskable interrupts
        """);
    Path ls = Files.writeString(tmp.resolve("ls"), """
        00:00.0 0600: 1234:1111 (rev 02)
        00:01.0 ISA bridge [0601]: Intel Corporation 82371SB PIIX3 ISA [Natoma/Triton II] [8086:7000]
        00:07.0 0200: 1af4:1000
        """);
    Cli guess = Cli.run("import", "--proc-interrupts", pi.toString());
    assertThat(guess.rc()).as(guess.err()).isZero();
    // PIIX3: slot 3's INTA# is link C, IRQ 11 (Chipset.piixRoute).
    assertThat(guess.out()).contains("guess: at 0000:00:03.0").contains("bdf: \"0000:00:03.0\", type: virtio-net")
        .contains("# guess: the chipset's ISA users acpi, i8042, rtc0, ttyS0 are not in the file");
    Cli told = Cli.run("import", "--proc-interrupts", pi.toString(), "--lspci", ls.toString());
    assertThat(told.rc()).as(told.err()).isZero();
    assertThat(told.out()).contains("chipset: i440fx  # lspci lists the i440FX")
        .contains("bdf: \"0000:00:07.0\", type: virtio-net").doesNotContain("guess: at");
    Files.writeString(ls, "00:07.0 Ethernet controller: something\n");
    Cli bad = Cli.run("import", "--proc-interrupts", pi.toString(), "--lspci", ls.toString());
    assertThat(bad.rc()).isEqualTo(2);
    assertThat(bad.err()).startsWith(ls + ":1:1: expected a line of 'lspci -n' or 'lspci -nn'");
  }

  /** A machine irqlab cannot model (more CPUs than a scenario may have) is bad input, not an internal error. */
  @Test
  void importRefusesAMachineAScenarioCannotBe() throws IOException {
    StringBuilder head = new StringBuilder();
    StringBuilder row = new StringBuilder("  0:");
    for (int c = 0; c < 5000; c++) {
      head.append("  CPU").append(c);
      row.append(" 0");
    }
    Path f = Files.writeString(tmp.resolve("big"), head + "\n" + row + "  IO-APIC   2-edge      timer\n");
    Cli c = Cli.run("import", "--proc-interrupts", f.toString());
    assertThat(c.rc()).isEqualTo(2);
    assertThat(c.err().lines()).hasSize(1);
    assertThat(c.err()).startsWith(f + ":1:1: this machine is not one irqlab can model: machine.cpus: ");
    Cli more = Cli.run("import", "--proc-interrupts", f.toString(), "--cpus", "100000");
    assertThat(more.rc()).isEqualTo(2);
    assertThat(more.err()).startsWith("irqlab import: --cpus: ");
  }

  @Test
  void importRefusesFewerCpusThanTheFileShows() throws IOException {
    Assumptions.assumeTrue(Files.isDirectory(REF), "reference dumps not present");
    Cli c = Cli.run("import", "--proc-interrupts", REF.resolve("q35-ir-4cpu/irqdbg/boot/proc_interrupts").toString(),
        "--cpus", "2");
    assertThat(c.rc()).isEqualTo(2);
    assertThat(c.err()).startsWith("irqlab import: --cpus: expected at least 4");
  }
}
