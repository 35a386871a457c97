package irqlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** show --at accepts the timeline's marks as well as times; link-up shows in the views. */
class ShowAtMarkTest {
  private static final String YAML = """
      name: marks
      machine: { cpus: 2, chipset: q35 }
      devices:
        - { id: nic1, bdf: "0000:00:03.0", type: e1000e }
      drivers:
        - { device: nic1 }
      timeline:
        - at: 1ms
          mark: boot
        - at: 2ms
          link-up: { device: nic1 }
        - at: 3ms
          mark: boot_linkup
      """;

  @Test
  void aMarkIsTheStateAtItsTime(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("marks.yaml");
    Files.writeString(f, YAML);
    Cli boot = Cli.run("show", f.toString(), "--at", "boot", "interrupts");
    Cli up = Cli.run("show", f.toString(), "--at", "boot_linkup", "interrupts");
    assertThat(boot.rc()).isZero();
    assertThat(boot.out()).contains("ahci[0000:00:1f.2]").doesNotContain("eth0");
    assertThat(up.out()).contains("PCI-MSIX-0000:00:03.0   0-edge      eth0-rx-0")
        .contains("PCI-MSIX-0000:00:03.0   2-edge      eth0\n");
    assertThat(Cli.run("show", f.toString(), "--at", "3ms", "interrupts").out()).isEqualTo(up.out());
    Cli bad = Cli.run("show", f.toString(), "--at", "bootlinkup", "interrupts");
    assertThat(bad.rc()).isEqualTo(2);
    assertThat(bad.err()).contains("--at:").contains("or one of the scenario's marks: boot, boot_linkup");
  }
}
