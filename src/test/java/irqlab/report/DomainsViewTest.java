package irqlab.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import irqlab.sim.Machine;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DomainsViewTest {
  @Test
  void vectorFileMatchesTheReferenceLineForLine() {
    Machine m = Ref.machineAt("3ms");
    List<String> model = Ref.lines(VectorsView.vectorFile(m.kernel()));
    List<String> ref = Ref.lines(Ref.DOMAIN_VECTOR);
    assertThat(model).hasSameSizeAs(ref);
    assertThat(Ref.shapes(model)).isEqualTo(Ref.shapes(ref));
    // Everything that is not a count is the same bytes: names, flags, system map, table header.
    assertThat(model.subList(0, 2)).isEqualTo(ref.subList(0, 2));
    assertThat(model.subList(3, 8)).isEqualTo(ref.subList(3, 8));
    assertThat(model.subList(11, 13)).isEqualTo(ref.subList(11, 13));
    assertThat(model.get(2)).isEqualTo(" mapped: " + m.kernel().vectorDomain().domain().mapped());
  }

  @Test
  void vectorFileEndsWithTheMatrixDebugShow() {
    Machine m = Ref.machineAt("3ms");
    assertThat(VectorsView.vectorFile(m.kernel())).endsWith(m.kernel().matrix().debugShow());
  }

  @Test
  void deviceDomainFileMatchesTheReferenceWithItsParentNested() {
    Machine m = Ref.machineAt("3ms");
    Map<String, String> files = DomainsView.files(m.kernel());
    List<String> model = Ref.lines(files.get("PCI-MSIX-0000:00:02.0-12"));
    List<String> ref = Ref.lines(Ref.DOMAIN_NVME);
    assertThat(model).hasSameSizeAs(ref);
    assertThat(Ref.shapes(model)).isEqualTo(Ref.shapes(ref));
    assertThat(model.subList(0, 2)).isEqualTo(ref.subList(0, 2));
    assertThat(model.subList(3, 11)).isEqualTo(ref.subList(3, 11));
    assertThat(model.subList(12, 17)).isEqualTo(ref.subList(12, 17));
    assertThat(model.subList(20, 22)).isEqualTo(ref.subList(20, 22));
    assertThat(model.get(2)).isEqualTo(" mapped: 4");
  }

  @Test
  void filesAreNamedAsDebugfsNamesThem() {
    Machine m = Ref.machineAt("3ms");
    Map<String, String> files = DomainsView.files(m.kernel());
    assertThat(files.keySet()).containsExactly("PCI-MSI-0000:00:1f.2-11", "PCI-MSIX-0000:00:02.0-12",
        "PCI-MSIX-0000:00:03.0-12", "VECTOR", "default");
    assertThat(files.get("default")).isEqualTo(files.get("VECTOR"));
  }

  @Test
  void treeHasVectorAtTheRootAndOneDomainPerDevice() {
    Machine m = Ref.machineAt("3ms");
    List<String> tree = Ref.lines(DomainsView.tree(m));
    assertThat(tree.get(1)).startsWith("  VECTOR ").contains("mapped    7").contains("flags 0x00000103");
    assertThat(tree.get(2)).startsWith("  |-- PCI-MSI-0000:00:1f.2-11 ").contains("ahci (0000:00:1f.2)");
    assertThat(tree.get(3)).startsWith("  |-- PCI-MSIX-0000:00:02.0-12 ").contains("mapped    4")
        .contains("nvme0 (0000:00:02.0), MSI domain id 0 (default)");
    assertThat(tree.get(4)).startsWith("  `-- PCI-MSIX-0000:00:03.0-12 ").contains("mapped    2");
    assertThat(tree).hasSize(5);
  }

  @Test
  void renderIsTheTreeThenEveryFile() {
    Machine m = Ref.machineAt("3ms");
    String out = DomainsView.render(m);
    assertThat(out).startsWith(DomainsView.tree(m));
    for (Map.Entry<String, String> f : DomainsView.files(m.kernel()).entrySet()) {
      assertThat(out).contains("==> /sys/kernel/debug/irq/domains/" + f.getKey() + " <==\n" + f.getValue());
    }
  }

  @Test
  void embeddedReferenceFilesAreTheDumps() {
    String v = Ref.readReference(Ref.NOIR + "all_domains/irq_domains/VECTOR");
    assumeTrue(v != null, "reference dumps not available");
    assertThat(v).isEqualTo(Ref.DOMAIN_VECTOR);
    assertThat(Ref.readReference(Ref.NOIR + "all_domains/irq_domains/PCI-MSIX-0000:00:02.0-12"))
        .isEqualTo(Ref.DOMAIN_NVME);
    assertThat(Ref.readReference(Ref.NOIR + "all_domains/irq_domains/default")).isEqualTo(Ref.DOMAIN_VECTOR);
  }
}
