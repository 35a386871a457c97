package irqlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** irqlab show ... remapping, and the remapping lines of show irq and show domains. */
class ShowRemappingTest {
  @Test
  void showRemappingPrintsTheTranslationTable() {
    Cli c = Cli.run("show", "ir-spoof", "remapping");
    assertThat(c.rc()).isZero();
    assertThat(c.out()).startsWith("# Kernel: 6.12 (Linux 6.12.117 as shipped)\n"
        + "==> /sys/kernel/debug/iommu/intel/ir_translation_struct <==\n"
        + "Remapped Interrupt supported on IOMMU: dmar0\n IR table address:1b00000\n")
        .contains(" 2     00:04.0 00000100 21  0000000000040020\t0000010000210009\n")
        .contains("  blocked:    3 (0x22 entry not present: 1, 0x25 compatibility blocked: 1,"
            + " 0x26 source id mismatch: 1)");
  }

  @Test
  void withoutRemappingTheViewSaysSo() {
    Cli c = Cli.run("show", "nic-basic", "remapping");
    assertThat(c.rc()).isZero();
    assertThat(c.out()).startsWith("# Kernel: 6.12 (Linux 6.12.117 as shipped)\nno interrupt remapping on this machine");
  }

  @Test
  void showIrqAndDomainsNameTheRemappingLevel() {
    Cli irq = Cli.run("show", "ir-affinity", "--at", "3ms", "irq", "nic0/msix/0");
    assertThat(irq.rc()).isZero();
    assertThat(irq.out()).contains("    domain:  INTEL-IR-0-13\n     hwirq:   0x0\n     chip:    INTEL-IR\n")
        .contains("  remapping:  IRTE 0 (handle 0, subhandle 0, block of 1): present, vector 0x20,"
            + " destination APIC id 3 (dest_id 0x00000300)\n");
    Cli domains = Cli.run("show", "ir-affinity", "domains");
    assertThat(domains.out()).contains("|-- INTEL-IR-0-13").contains("==> /sys/kernel/debug/irq/domains/DMAR-MSI <==")
        .contains("name:   INTEL-IR-0-13\n size:   65536\n");
  }
}
