package irqlab.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import irqlab.kernel.cpu.CpuMask;
import irqlab.scenario.Action.IrqOp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioParserTest {

  @Test
  void fullScenarioKeepsEveryValue() {
    Scenario s = TestResources.good("full.yaml");

    assertThat(s.name()).isEqualTo("full-house");
    assertThat(s.description()).isEqualTo("Every key, set explicitly.\n");
    assertThat(s.seed()).isEqualTo(42);
    assertThat(s.source()).isEqualTo("full.yaml");

    MachineSpec m = s.machine();
    assertThat(m.cpus()).isEqualTo(8);
    assertThat(m.remapping()).isEqualTo("intel");
    assertThat(m.remappingEnabled()).isTrue();
    assertThat(m.variants()).containsExactly("msi-direct-update", "vmd-no-srcu");
    assertThat(m.variantLocs().get("vmd-no-srcu")).isEqualTo(new Loc("full.yaml", 10, 35));
    assertThat(m.msixDynamic()).isFalse();
    assertThat(m.remappingLoc()).isEqualTo(new Loc("full.yaml", 8, 14));

    assertThat(s.devices()).extracting(DeviceSpec::id)
        .containsExactly("nic0", "vmd0", "nvme0", "acc0", "old0");
    DeviceSpec nic = s.device("nic0").orElseThrow();
    assertThat(nic.msi()).isEqualTo(new MsiSpec(4, true, false));
    assertThat(nic.msix()).isEqualTo(new MsixSpec(64));
    assertThat(nic.queues()).isEqualTo(8);
    assertThat(nic.loc()).isEqualTo(new Loc("full.yaml", 13, 5));
    assertThat(s.device("vmd0").orElseThrow().bdf()).isEqualTo("0000:00:0e.0");
    assertThat(s.device("nvme0").orElseThrow().behind()).isEqualTo("vmd0");
    assertThat(s.device("acc0").orElseThrow().ims())
        .isEqualTo(new ImsSpec("device", 2048, 16));
    assertThat(s.device("acc0").orElseThrow().bdf()).isEqualTo("0000:3a:00.1");
    assertThat(s.device("old0").orElseThrow().bdf()).isEqualTo("0000:00:04.0");

    assertThat(s.driverFor("nic0").orElseThrow())
        .isEqualTo(
            new DriverSpec(
                "nic0", "vfio", new VectorsSpec(2, 8, "msix", Affinity.MANAGED),
                new Loc("full.yaml", 39, 5)));
    assertThat(s.driverFor("nvme0").orElseThrow().driver()).isEqualTo("nvme");
    // A Linux driver needs no vectors: no cap, any kind; the driver picks the affinity.
    assertThat(s.driverFor("nvme0").orElseThrow().vectors())
        .isEqualTo(new VectorsSpec(1, Integer.MAX_VALUE, null, Affinity.NONE));
    assertThat(s.driverFor("nvme0").orElseThrow().params())
        .containsExactly(Map.entry("write_queues", 2), Map.entry("poll_queues", 1));
    assertThat(s.driverFor("acc0").orElseThrow().vectors().affinity().cpus())
        .isEqualTo(CpuMask.of(6, 7));
    assertThat(s.driverFor("old0").orElseThrow().vectors())
        .isEqualTo(new VectorsSpec(1, 1, "msi", Affinity.NONE));
  }

  @Test
  void fullScenarioTimelineHasEveryAction() {
    List<TimelineEntry> t = TestResources.good("full.yaml").timeline();

    assertThat(t).extracting(TimelineEntry::atNs)
        .containsExactly(
            0L, 10_000L, 1_000_000L, 1_000_000L, 2_000_000L, 2_000_000L, 2_500_000L, 3_000_000L,
            3_000_000L, 3_000_000L, 3_000_000L, 4_000_000L, 5_000_000L, 6_000_000L, 7_000_000L,
            8_000_000L, 9_000_000L, 2_000_000_000L);
    assertThat(t.get(0).action())
        .isEqualTo(new Action.Traffic("nic0", List.of(), 100_000.0, 2_500_000, new Loc(
            "full.yaml", 51, 14)));
    assertThat(((Action.Traffic) t.get(0).action()).allQueues()).isTrue();
    assertThat(t.get(1).action())
        .isEqualTo(new Action.Traffic("nvme0", List.of(1, 3), 1_500_000.0, 1_000_000_000L,
            new Loc("full.yaml", 53, 14)));
    assertThat(t.get(2).action())
        .isEqualTo(new Action.SetAffinity(new IrqName("nic0", "msix", 3), CpuMask.of(2)));
    assertThat(t.get(3).action())
        .isEqualTo(new Action.SetAffinity(new IrqName("acc0", "ims", 2047), CpuMask.of(4, 5, 7)));
    assertThat(t.subList(4, 9)).extracting(e -> ((IrqOp) e.action()).op())
        .containsExactly(
            IrqOp.Op.DISABLE, IrqOp.Op.DISABLE_NOSYNC, IrqOp.Op.ENABLE, IrqOp.Op.FREE,
            IrqOp.Op.REQUEST);
    assertThat(t.get(7).action()).isEqualTo(new IrqOp(IrqOp.Op.FREE, IrqName.parse("old0/msi/0")));
    assertThat(t.get(9).action()).isEqualTo(new Action.MsixAlloc("nic0", null));
    assertThat(t.get(10).action()).isEqualTo(new Action.MsixAlloc("nic0", 40));
    assertThat(t.get(11).action())
        .isEqualTo(new IrqOp(IrqOp.Op.MSIX_FREE, new IrqName("nic0", "msix", 40)));
    assertThat(t.get(11).action().key()).isEqualTo("msix-free");
    assertThat(t.get(12).action()).isEqualTo(new Action.CpuOffline(7));
    assertThat(t.get(13).action()).isEqualTo(new Action.CpuOnline(7));
    assertThat(t.get(14).action()).isEqualTo(new Action.Unbind("nvme0"));
    assertThat(t.get(15).action()).isEqualTo(new Action.Bind("nvme0"));
    assertThat(t.get(16).action()).isEqualTo(new Action.SpoofMsi("acc0", 0xfee01000L, 65));
    assertThat(t.get(17).action()).isEqualTo(new Action.SpoofMsi("nic0", -1L, -1));
    assertThat(t.get(16).loc()).isEqualTo(new Loc("full.yaml", 82, 5));
  }

  @Test
  void fullScenarioExpectations() {
    Expectations e = TestResources.good("full.yaml").expect();

    assertThat(e.violations()).containsExactly("spoofed-msi", "lost-interrupt");
    assertThat(e.delivered())
        .containsExactly(
            new Expectations.Count(
                "nic0", new Comparison(">=", 1000), new Loc("full.yaml", 88, 22)),
            new Expectations.Count(
                "nic0/msix/3", new Comparison("<", 10), new Loc("full.yaml", 88, 46)),
            new Expectations.Count("nvme0", new Comparison("==", 5), new Loc("full.yaml", 88, 61)));
    assertThat(e.spurious()).extracting(Expectations.Count::comparison)
        .containsExactly(new Comparison("==", 0));
    assertThat(e.loc()).isEqualTo(new Loc("full.yaml", 87, 3));
    assertThat(e.violationsLoc()).isEqualTo(new Loc("full.yaml", 87, 15));
  }

  @Test
  void omittedKeysTakeTheirDefaults() {
    Scenario s = TestResources.good("defaults.yaml");

    assertThat(s.seed()).isEqualTo(1);
    assertThat(s.description()).isEmpty();
    MachineSpec m = s.machine();
    assertThat(m.remapping()).isEqualTo("none");
    assertThat(m.variants()).isEmpty();
    assertThat(m.kernelVersion()).isEqualTo("6.12");
    assertThat(m.kernelVersionLoc()).isEqualTo(m.loc());
    assertThat(m.msixDynamic()).isTrue();
    assertThat(m.remappingLoc()).isEqualTo(m.loc());

    // Defaults number from slot 3 in declaration order, skipping addresses taken explicitly.
    assertThat(s.devices()).extracting(DeviceSpec::bdf)
        .containsExactly("0000:00:03.0", "0000:00:04.0", "0000:00:05.0", "0000:00:06.0");
    // QEMU's nvme offers 64 I/O queue pairs and one MSI-X vector per queue plus the admin one.
    assertThat(s.devices()).extracting(DeviceSpec::queues).containsExactly(1, 64, 1, 1);
    assertThat(s.devices()).extracting(DeviceSpec::behind).containsOnlyNulls();
    assertThat(s.device("c").orElseThrow().msi()).isEqualTo(new MsiSpec(1, false, true));
    assertThat(s.device("b").orElseThrow().msix()).isEqualTo(new MsixSpec(65));
    assertThat(s.driverFor("b")).isEmpty();
    assertThat(s.device("d").orElseThrow().ims()).isEqualTo(new ImsSpec("host-memory", 8, 8));

    assertThat(s.driverFor("a").orElseThrow().driver()).isEqualTo("nic");
    assertThat(s.driverFor("a").orElseThrow().vectors())
        .isEqualTo(new VectorsSpec(1, 4, "msix", Affinity.NONE));
    assertThat(s.driverFor("c").orElseThrow().vectors().kind()).isEqualTo("intx");

    Action.Traffic traffic = (Action.Traffic) s.timeline().get(0).action();
    assertThat(traffic.queues()).isEmpty();
    assertThat(traffic.ratePerSecond()).isEqualTo(10.0);
    assertThat(traffic.forNs()).isEqualTo(10_000);
    assertThat(s.timeline().get(1).action()).isEqualTo(new Action.MsixAlloc("a", null));

    assertThat(s.expect().violations()).isEmpty();
    assertThat(s.expect().delivered()).isEmpty();
    assertThat(s.expect().spurious()).isEmpty();
  }

  @Test
  void smallestScenarioHasEmptySections() {
    Scenario s = TestResources.good("minimal.yaml");

    assertThat(s.machine().cpus()).isEqualTo(1);
    assertThat(s.devices()).isEmpty();
    assertThat(s.drivers()).isEmpty();
    assertThat(s.timeline()).isEmpty();
    assertThat(s.expect()).isEqualTo(Expectations.none(new Loc("minimal.yaml", 2, 1)));
  }

  @Test
  void modelListsAreImmutable() {
    Scenario s = TestResources.good("full.yaml");

    assertThatThrownBy(() -> s.devices().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> s.machine().variantLocs().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void messagesStayOnOneLineWhateverTheKeys() {
    String yaml = "name: x\nmachine: { cpus: 1 }\n\"evil\\nkey\": 1\n";

    assertThatThrownBy(() -> ScenarioParser.parse("x.yaml", yaml))
        .isInstanceOf(ScenarioException.class)
        .hasMessage(
            "x.yaml:3:1: evil\\nkey: unknown key 'evil\\nkey'; expected one of: name, description,"
                + " seed, machine, devices, drivers, timeline, expect");
  }

  @Test
  void flowSequenceAcceptsYamlListOfCpus() {
    String yaml =
        "name: x\nmachine: { cpus: 4 }\ndevices: [{ id: n, type: nic, msix: { table: 4 } }]\n"
            + "drivers: [{ device: n, vectors: { max: 4, kind: msix } }]\n"
            + "timeline: [{ at: 1ms, set-affinity: { irq: n/msix/0, cpus: 3 } }]\n";

    Action a = ScenarioParser.parse("x.yaml", yaml).timeline().get(0).action();

    assertThat(a).isEqualTo(new Action.SetAffinity(new IrqName("n", "msix", 0), CpuMask.of(3)));
  }

  @Test
  void readsFilesAndReportsUnreadableOnes(@TempDir Path dir) throws IOException {
    Path good = dir.resolve("good.yaml");
    Files.writeString(good, "name: from-file\nmachine: { cpus: 2 }\n");
    Path binary = dir.resolve("binary.yaml");
    Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0});

    assertThat(ScenarioParser.parse(good).source()).isEqualTo(good.toString());
    assertThat(ScenarioParser.parse(good).machine().loc().file()).isEqualTo(good.toString());
    assertThatThrownBy(() -> ScenarioParser.parse(dir.resolve("missing.yaml")))
        .isInstanceOf(ScenarioException.class)
        .hasMessage(dir.resolve("missing.yaml") + ":1:1: (file): no such file");
    assertThatThrownBy(() -> ScenarioParser.parse(binary))
        .isInstanceOf(ScenarioException.class)
        .hasMessage(binary + ":1:1: (file): not UTF-8 text");
  }

  @Test
  void kernelVersionIsReadAsTextWithItsLocation() {
    Scenario s = ScenarioParser.parse("v.yaml", """
        name: v
        machine:
          cpus: 2
          kernel:
            version: 6.16
            variants: [msi-nomask-detour]
        """);
    assertThat(s.machine().kernelVersion()).isEqualTo("6.16");
    assertThat(s.machine().kernelVersionLoc()).isEqualTo(new Loc("v.yaml", 5, 14));
    assertThat(s.machine().variants()).containsExactly("msi-nomask-detour");
  }
}
