package irqlab.sim;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.exec.Actor;
import irqlab.exec.Event;
import irqlab.hw.PlatformBus;
import irqlab.hw.cpu.Cpu;
import irqlab.hw.ioapic.IoApic;
import irqlab.report.IrqDebugView;
import irqlab.report.ProcInterrupts;
import irqlab.scenario.Scenario;
import irqlab.scenario.ScenarioParser;
import irqlab.sim.run.RunRuntime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * machine.chipset: the IO-APIC, the ISA lines, PCI INTx with shared level lines, the q35 ICH9
 * AHCI, and the architecture rows of /proc/interrupts; expected values from the reference dumps
 * and from io_apic.c, QEMU's ioapic.c and spurious.c.
 */
class ChipsetTest {
  /** The q35 reference guests' devices (the ICH9 AHCI comes with the chipset). */
  private static String q35(String remapping) {
    return "name: q35-ref\nmachine: { cpus: 4, remapping: " + remapping + ", chipset: q35 }\ndevices:\n"
        + "  - { id: net0, bdf: \"0000:00:01.0\", type: virtio-net, queues: 4, msix: { table: 10 } }\n"
        + "  - { id: nvme0, bdf: \"0000:00:02.0\", type: nvme }\n"
        + "  - { id: nic1, bdf: \"0000:00:03.0\", type: e1000e }\n"
        + "drivers:\n  - { device: net0 }\n  - { device: nvme0 }\n  - { device: nic1 }\n"
        + "timeline:\n  - at: 10ms\n    mark: boot\n"
        + "  - at: 11ms\n    link-up: { device: net0 }\n  - at: 11ms\n    link-up: { device: nic1 }\n"
        + "  - at: 12ms\n    mark: boot_linkup\n";
  }

  /** The pc reference guest: e1000 (here an e1000e held to INTx), virtio-net with INTx, with 3 vectors. */
  private static final String PC = "name: pc-ref\nmachine: { cpus: 2, chipset: i440fx }\ndevices:\n"
      + "  - { id: nic0, bdf: \"0000:00:02.0\", type: e1000e }\n"
      + "  - { id: net0, bdf: \"0000:00:03.0\", type: virtio-net }\n"
      + "  - { id: net1, bdf: \"0000:00:04.0\", type: virtio-net, msix: { table: 3 } }\n"
      + "drivers:\n  - { device: nic0, vectors: { kind: intx } }\n  - { device: net0 }\n  - { device: net1 }\n"
      + "timeline:\n  - at: 10ms\n    mark: boot\n"
      + "  - at: 11ms\n    link-up: { device: nic0 }\n  - at: 11ms\n    link-up: { device: net0 }\n"
      + "  - at: 11ms\n    link-up: { device: net1 }\n  - at: 12ms\n    mark: boot_linkup\n";

  /** /proc/interrupts without its count columns. */
  private static List<String> layout(String text) {
    List<String> out = new ArrayList<>();
    for (String l : text.split("\n")) {
      out.add(l.replaceFirst("^( *[0-9A-Z]+:)(( +[0-9]+)+)", "$1 N"));
    }
    return out;
  }

  private static Machine at(String yaml, String mark) {
    Scenario s = ScenarioParser.parse("t.yaml", yaml);
    return Simulation.runUntil(s, 1, s.markTime(mark).orElseThrow());
  }

  @ParameterizedTest
  @CsvSource({"intel,q35-ir-4cpu,boot", "intel,q35-ir-4cpu,boot_linkup", "none,q35-noir-4cpu,boot",
      "none,q35-noir-4cpu,boot_linkup"})
  void q35ProcInterruptsIsTheReferenceButForTheCounts(String remapping, String config, String phase) {
    Assumptions.assumeTrue(RefDump.present(), "reference dumps not present");
    Machine m = at(q35(remapping), phase);
    assertThat(layout(ProcInterrupts.render(m)))
        .isEqualTo(layout(String.join("\n", RefDump.lines(config + "/irqdbg/" + phase + "/proc_interrupts"))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"boot", "boot_linkup"})
  void pcProcInterruptsIsTheReferenceButForTheCounts(String phase) {
    Assumptions.assumeTrue(RefDump.present(), "reference dumps not present");
    Machine m = at(PC, phase);
    assertThat(layout(ProcInterrupts.render(m)))
        .isEqualTo(layout(String.join("\n", RefDump.lines("pc-legacy-2cpu/irqdbg/" + phase + "/proc_interrupts"))));
  }

  /** The Linux part of `show irq N`. */
  private static List<String> debugfs(Machine m, int irq) {
    List<String> out = new ArrayList<>();
    for (String l : IrqDebugView.render(m, Integer.toString(irq)).split("\n")) {
      if (l.isEmpty()) {
        break;
      }
      out.add(l);
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"q35-ir-4cpu|intel", "q35-noir-4cpu|none"})
  void legacyLinesHaveTheReferenceDebugfsFiles(String c) {
    Assumptions.assumeTrue(RefDump.present(), "reference dumps not present");
    String[] p = c.split("\\|");
    Machine m = at(q35(p[1]), "boot_linkup");
    // The timer on its ISA vector, the cascade, an unrequested edge pin, the SCI, PCI GSIs not
    // requested: byte for byte (under remapping not nvme's line 22, whose remapping entry the
    // reference's concurrent ahci and nvme probes numbered: ReferenceGuestsTest).
    int[] same = "intel".equals(p[1]) ? new int[] {0, 2, 3, 9, 23} : new int[] {0, 2, 3, 9, 22, 23};
    for (int irq : same) {
      assertThat(debugfs(m, irq)).as("irq %d", irq)
          .isEqualTo(RefDump.lines(p[0] + "/irqdbg/boot_linkup/irq_irqs_all/" + irq));
    }
    // Requested ISA lines: the same state; which CPU and vector they got depends on boot order.
    for (int irq : new int[] {1, 8, 12}) {
      List<String> model = debugfs(m, irq);
      List<String> ref = RefDump.lines(p[0] + "/irqdbg/boot_linkup/irq_irqs_all/" + irq);
      for (String key : new String[] {"handler:", "status:", "istate:", "ddepth:", "dstate:", "node:", "affinity:",
          "domain:  IO-APIC", " chip:"}) {
        assertThat(model.stream().filter(l -> l.startsWith(key)).toList()).as("irq %d %s", irq, key)
            .isEqualTo(ref.stream().filter(l -> l.startsWith(key)).toList());
      }
    }
  }

  @Test
  void aSharedLevelLineRunsEveryHandlerAndIsDisabledWhenNobodyCares() {
    // i440fx: slots 2 and 4 share PIRQ links B and D, both on IRQ 10.
    String yaml = "name: shared\nmachine: { cpus: 2, chipset: i440fx }\ndevices:\n"
        + "  - { id: nic0, bdf: \"0000:00:02.0\", type: nic, queues: 2 }\n"
        + "  - { id: nic1, bdf: \"0000:00:04.0\", type: nic, queues: 2 }\n"
        + "drivers:\n  - { device: nic0, vectors: { max: 1, kind: intx } }\n"
        + "  - { device: nic1, vectors: { max: 1, kind: intx } }\n"
        + "timeline:\n"
        + "  - at: 0ms\n    traffic: { device: nic0, queues: all, rate: 20k/s, for: 4ms }\n"
        + "  - at: 0ms\n    traffic: { device: nic1, queues: all, rate: 20k/s, for: 4ms }\n"
        + "  - at: 2ms\n    free-irq: { irq: nic1/intx/0 }\n";
    Machine early = at(yaml.replace("  - at: 2ms\n", "  - at: 1ms\n    mark: both\n  - at: 2ms\n"), "both");
    assertThat(ProcInterrupts.render(early)).contains(" 10:").contains("IO-APIC  10-fasteoi   nic0-TxRx-0, nic1-TxRx-0");
    RunResult r = Simulation.run(ScenarioParser.parse("t.yaml", yaml), 1);
    // Before the free every interrupt was claimed by one handler or the other.
    // After it, nic1 keeps its line asserted (level: until serviced) and the one handler left
    // never claims it: note_interrupt disables the line after 99,900 of 100,000 unclaimed.
    assertThat(r.dmesg()).extracting(l -> l.text()).contains(
        "irq 10: nobody cared (try booting with the \"irqpoll\" option)", "handlers:", "[<(ptrval)>] nic0-TxRx-0",
        "Disabling IRQ #10");
    RunResult.IrqStat line = r.irqs().get(0);
    assertThat(line.irq()).isEqualTo(10);
    assertThat(line.spurious()[0] + line.spurious()[1]).isEqualTo(100_000);
    assertThat(r.violations()).isEmpty();
  }

  @Test
  void aStuckIntxSourceHoldsItsSharedLineUntilNoteInterruptDisablesIt() {
    // q35: slots 1 and 5 (INTA) are both on PIRQ F, GSI 21.
    String yaml = "name: stuck\nmachine: { cpus: 2, chipset: q35 }\ndevices:\n"
        + "  - { id: nic0, bdf: \"0000:00:05.0\", type: nic, queues: 2 }\n"
        + "  - { id: net0, bdf: \"0000:00:01.0\", type: virtio-net }\n"
        + "drivers:\n  - { device: nic0, vectors: { max: 1, kind: intx } }\n  - { device: net0 }\n"
        + "timeline:\n  - at: 0ms\n    link-up: { device: net0 }\n"
        + "  - at: 0ms\n    traffic: { device: net0, rate: 10k/s, for: 3ms }\n"
        + "  - at: 1ms\n    storm: { device: nic0, queue: 0, rate: 1k/s, for: 2ms }\n";
    RunResult r = Simulation.run(ScenarioParser.parse("t.yaml", yaml), 1);
    assertThat(r.irqs().get(0).irq()).isEqualTo(21);
    assertThat(r.irqs().get(0).action()).isEqualTo("virtio0, nic0-TxRx-0");
    // Both handlers ran on every interrupt and neither claimed the stuck one's.
    assertThat(r.irqs().get(0).spurious()[0] + r.irqs().get(0).spurious()[1]).isEqualTo(100_000);
    assertThat(r.dmesg()).extracting(l -> l.text()).containsSubsequence("irq 21: nobody cared (try booting with the"
        + " \"irqpoll\" option)", "[<(ptrval)>] virtio0", "[<(ptrval)>] nic0-TxRx-0", "Disabling IRQ #21");
    assertThat(r.violations()).isEmpty();
  }

  @Test
  void ioApicLevelEntriesHoldRemoteIrrUntilEoiAndResendWhileAsserted() {
    RunRuntime rt = new RunRuntime(1);
    Cpu cpu = new Cpu(0, 0);
    PlatformBus bus = new PlatformBus(rt, List.of(cpu));
    IoApic io = new IoApic(rt, bus, 0, 0xff00);
    bus.setEoiBroadcast(io::eoi);
    Actor a = rt.newActor("t", Actor.Kind.TASK, 0);
    long[] sent = new long[1];
    rt.schedule(Event.of(a, () -> {
      // Pin 10: vector 0x41, level, unmasked, to APIC 0.
      io.mmioWrite32(IoApic.IOREGSEL, IoApic.REG_REDTBL + 21);
      io.mmioWrite32(IoApic.IOWIN, 0);
      io.mmioWrite32(IoApic.IOREGSEL, IoApic.REG_REDTBL + 20);
      io.mmioWrite32(IoApic.IOWIN, 0x41 | (int) IoApic.RTE_LEVEL);
      io.setLevel(10, true);
      io.setLevel(10, true); // a second device on the same line (wired-OR)
      sent[0] = io.messages();
      assertThat(io.peekEntry(10) & IoApic.RTE_REMOTE_IRR).isNotZero();
      assertThat(cpu.apic().irrPending(0x41)).isTrue();
      assertThat(cpu.apic().levelTriggered(0x41)).isTrue();
      // The CPU takes it and EOIs: the broadcast clears remote IRR, the line is still up: again.
      cpu.apic().acknowledge();
      cpu.apic().eoi();
      assertThat(io.messages()).isEqualTo(sent[0] + 1);
      io.setLevel(10, false);
      io.setLevel(10, false);
      cpu.apic().acknowledge();
      cpu.apic().eoi();
      assertThat(io.peekEntry(10) & IoApic.RTE_REMOTE_IRR).isZero();
      assertThat(io.messages()).isEqualTo(sent[0] + 1);
      // Pin 4: edge, masked: the edge stays in IRR and goes out when the entry is unmasked.
      io.mmioWrite32(IoApic.IOREGSEL, IoApic.REG_REDTBL + 8);
      io.mmioWrite32(IoApic.IOWIN, 0x42 | (int) IoApic.RTE_MASKED);
      io.pulse(4);
      assertThat(cpu.apic().irrPending(0x42)).isFalse();
      io.mmioWrite32(IoApic.IOWIN, 0x42);
      assertThat(cpu.apic().irrPending(0x42)).isTrue();
      assertThat(cpu.apic().levelTriggered(0x42)).isFalse();
    }), 0);
    rt.runToQuiescence();
    assertThat(sent[0]).isEqualTo(1);
  }

  @Test
  void locCountsTheTicksEachCpuWasOnlineAndMcpItsBringUps() {
    String yaml = "name: loc\nmachine: { cpus: 2, chipset: q35 }\n"
        + "timeline:\n  - at: 5ms\n    cpu-offline: 1\n  - at: 13ms\n    cpu-online: 1\n  - at: 20ms\n    mark: end\n";
    Machine m = at(yaml, "end");
    // HZ 250: ticks at 4, 8, 12, 16 and 20 ms; CPU 1 was offline from 5 to 13 ms.
    assertThat(m.kernel().irqStat().localTimer(0)).isEqualTo(5);
    assertThat(m.kernel().irqStat().localTimer(1)).isEqualTo(3);
    assertThat(m.kernel().irqStat().machineCheckPolls(0)).isEqualTo(1);
    assertThat(m.kernel().irqStat().machineCheckPolls(1)).isEqualTo(2);
    assertThat(ProcInterrupts.render(m)).contains("LOC:          5          3   Local timer interrupts")
        .contains("MCP:          1          2   Machine check polls").endsWith("ERR:          0\nMIS:          0\n");
  }

  private static final String BUSY = "name: busy\nmachine: { cpus: 4, remapping: REMAP, chipset: i440fx }\ndevices:\n"
      + "  - { id: nic0, bdf: \"0000:00:02.0\", type: e1000e }\n"
      + "  - { id: net0, bdf: \"0000:00:03.0\", type: virtio-net }\n"
      + "  - { id: net1, bdf: \"0000:00:04.0\", type: virtio-net, queues: 2, msix: { table: 5 } }\n"
      + "drivers:\n  - { device: nic0, vectors: { kind: intx } }\n  - { device: net0 }\n  - { device: net1 }\n"
      + "timeline:\n"
      + "  - at: 0ms\n    link-up: { device: nic0 }\n  - at: 0ms\n    link-up: { device: net0 }\n"
      + "  - at: 0ms\n    link-up: { device: net1 }\n"
      + "  - at: 0ms\n    traffic: { device: nic0, queues: all, rate: RATE, for: 8ms }\n"
      + "  - at: 0ms\n    traffic: { device: net0, queues: all, rate: RATE, for: 8ms }\n"
      + "  - at: 0ms\n    traffic: { device: net1, queues: all, rate: RATE, for: 8ms }\n"
      + "  - at: 1ms\n    set-affinity: { irq: nic0/intx/0, cpus: [2] }\n"
      + "  - at: 2ms\n    set-affinity: { irq: net0/intx/0, cpus: [3] }\n"
      + "  - at: 3ms\n    cpu-offline: 2\n"
      + "  - at: 4ms\n    cpu-offline: 3\n"
      + "  - at: 5ms\n    link-down: { device: nic0 }\n"
      + "  - at: 6ms\n    link-up: { device: nic0 }\n"
      + "  - at: 6ms\n    cpu-online: 2\n"
      + "  - at: 7ms\n    cpu-online: 3\n";

  @ParameterizedTest
  @ValueSource(strings = {"none", "intel"})
  void sharedIntxLinesUnderTrafficAffinityAndHotplugRunAndExploreClean(String remapping) {
    var s = ScenarioParser.parse("t.yaml", BUSY.replace("REMAP", remapping).replace("RATE", "20k/s"));
    for (long seed = 1; seed <= 3; seed++) {
      RunResult r = Simulation.run(s, seed);
      assertThat(r.violations()).as("seed %d", seed).isEmpty();
      assertThat(r.irqs().stream().filter(i -> i.irq() == 10).findFirst().orElseThrow().deliveredTotal())
          .isGreaterThan(100);
    }
    assertThat(irqlab.report.RunReport.json(Simulation.run(s, 4)))
        .isEqualTo(irqlab.report.RunReport.json(Simulation.run(s, 4)));
    var small = ScenarioParser.parse("t.yaml", BUSY.replace("REMAP", remapping).replace("RATE", "2k/s"));
    TestMachines.exploresClean(small, 11, 20);
  }
}
