package irqlab.sim;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.scenario.ScenarioParser;
import org.junit.jupiter.api.Test;

/**
 * Behaviours found by a fidelity audit with scenarios written as users write them, each checked
 * against what the Linux 6.12 code does (the file and function are named at each test); the
 * expected values come from that code, not from irqlab.
 */
class UserScenarioFidelityTest {
  private static RunResult run(String yaml) {
    return Simulation.run(ScenarioParser.parse("t.yaml", yaml), 1);
  }

  private static String action(RunResult r, String prefix) {
    return r.actions().stream().filter(a -> a.contains(prefix)).findFirst().orElseThrow();
  }

  /**
   * drivers/base/bus.c bind_store -> dd.c device_driver_attach -> __driver_probe_device: a device
   * that has a driver already is -EBUSY, and the driver's probe does not run (so no failed probe
   * fails the run); unbind_store of a device without the driver is -ENODEV.
   */
  @Test
  void bindingABoundDeviceIsEbusyAndRunsNoProbe() {
    RunResult r = run("""
        name: bind-twice
        machine: { cpus: 2 }
        devices: [ { id: nic0, type: nic, msix: { table: 2 }, queues: 2 } ]
        drivers: [ { device: nic0, vectors: { min: 2, max: 2, kind: msix } } ]
        timeline:
          - { at: 0ms, traffic: { device: nic0, queues: all, rate: 10k/s, for: 4ms } }
          - { at: 1ms, bind: { device: nic0 } }
          - { at: 2ms, unbind: { device: nic0 } }
          - { at: 2.5ms, unbind: { device: nic0 } }
          - { at: 3ms, bind: { device: nic0 } }
          - { at: 3.5ms, bind: { device: nic0 } }
        """);
    assertThat(r.actions()).containsSubsequence(
        "1ms bind nic0: FAILED: EBUSY (Device or resource busy)",
        "2ms unbind nic0: OK",
        "2.5ms unbind nic0: FAILED: ENODEV (No such device)",
        "3ms bind nic0: OK",
        "3.5ms bind nic0: FAILED: EBUSY (Device or resource busy)");
    assertThat(r.failedExpectations()).isEmpty();
    assertThat(r.ok()).isTrue();
  }

  /**
   * drivers/pci/msi/msi.c __pci_enable_msix_range: a max above the table is cut to the table
   * (hwsize < nvec: nvec = hwsize), a min above it is -ENOSPC (nvec < minvec);
   * __pci_enable_msi_range: the same against the MSI capability's count (nvec < minvec: -ENOSPC,
   * nvec > maxvec: nvec = maxvec).
   */
  @Test
  void askingForMoreVectorsThanTheDeviceHasIsCappedOrEnospc() {
    RunResult r = run("""
        name: more-than-table
        machine: { cpus: 4, remapping: intel }
        devices:
          - { id: nic0, type: nic, msix: { table: 8 }, queues: 16 }
          - { id: nic1, type: nic, msix: { table: 4 }, queues: 8 }
          - { id: nic2, type: nic, msi: { vectors: 4, maskable: true }, queues: 4 }
          - { id: nic3, type: nic, msi: { vectors: 2 }, queues: 2 }
        drivers:
          - { device: nic0, vectors: { min: 1, max: 32, kind: msix } }
          - { device: nic1, vectors: { min: 6, max: 64, kind: msix } }
          - { device: nic2, vectors: { min: 1, max: 32, kind: msi } }
          - { device: nic3, vectors: { min: 4, max: 8, kind: msi } }
        timeline:
          - { at: 0ms, traffic: { device: nic0, queues: all, rate: 10k/s, for: 2ms } }
        expect:
          probe: { nic1: ENOSPC, nic3: ENOSPC }
        """);
    assertThat(r.actions()).containsSubsequence(
        "0ns probe nic0: 8 MSI-X vectors",
        "0ns probe nic1: FAILED: ENOSPC (No space left on device)",
        "0ns probe nic2: 4 MSI vectors",
        "0ns probe nic3: FAILED: ENOSPC (No space left on device)");
    assertThat(r.ok()).isTrue();
  }

  /**
   * kernel/irq/proc.c: /proc/irq/N is made by register_irq_proc, called from init_irq_proc at boot
   * and from __setup_irq (kernel/irq/manage.c) at a line's first request_irq, and removed only
   * with the descriptor (irqdesc.c free_desc). e1000e's vectors are allocated at probe and
   * requested at ndo_open: before link-up there is no file to write (ENOENT); after link-down
   * (free_irq) the file is still there and the write works.
   */
  @Test
  void aNeverRequestedInterruptHasNoProcIrqFile() {
    RunResult r = run("""
        name: proc-irq-dir
        machine: { cpus: 4 }
        devices: [ { id: eth0, type: e1000e } ]
        drivers: [ { device: eth0 } ]
        timeline:
          - { at: 1ms, set-affinity: { irq: eth0/msix/0, cpus: [2] } }
          - { at: 2ms, link-up: { device: eth0 } }
          - { at: 3ms, link-down: { device: eth0 } }
          - { at: 4ms, set-affinity: { irq: eth0/msix/0, cpus: [2] } }
        """);
    assertThat(action(r, "1ms write /proc/irq/"))
        .endsWith("(eth0/msix/0): FAILED: ENOENT (No such file or directory)");
    assertThat(action(r, "4ms write /proc/irq/")).endsWith("(eth0/msix/0): OK; now smp=2 eff=2");
  }

  /**
   * kernel/irq/manage.c __free_irq: a free_irq that finds no action of its dev_id WARNs "Trying to
   * free already-free IRQ %d" and returns; an IMS queue's line is no exception.
   */
  @Test
  void freeingAnImsInterruptTwiceWarns() {
    RunResult r = run("""
        name: ims-double-free
        machine: { cpus: 2, remapping: intel }
        devices:
          - { id: acc0, type: accelerator, msix: { table: 1 }, ims: { storage: host-memory, slots: 8, cache: 2 }, queues: 2 }
        drivers: [ { device: acc0, vectors: { kind: ims, max: 2 } } ]
        timeline:
          - { at: 0ms, traffic: { device: acc0, queues: all, rate: 10k/s, for: 4ms } }
          - { at: 1ms, free-irq: { irq: acc0/ims/1 } }
          - { at: 2ms, free-irq: { irq: acc0/ims/1 } }
          - { at: 3ms, request-irq: { irq: acc0/ims/1 } }
        """);
    assertThat(action(r, "1ms free-irq")).endsWith(": OK; depth=1");
    assertThat(action(r, "2ms free-irq")).matches(".*\\(irq (\\d+)\\): WARN: Trying to free already-free IRQ \\1; depth=1");
    assertThat(action(r, "3ms request-irq")).endsWith(": OK; depth=0");
    assertThat(r.ok()).isTrue();
  }

  /**
   * kernel/irq/spurious.c: note_interrupt disables a line after more than 99,900 of 100,000
   * unhandled and arms poll_spurious_irq_timer (POLL_SPURIOUS_IRQ_INTERVAL, HZ/10); the timer runs
   * try_one_irq on every spurious-disabled line whose first action is IRQF_SHARED, calling all its
   * handlers through handle_irq_event, which counts nothing in kstat (only the flow handlers do).
   * So the e1000e sharing a stormed INTx line still has its rx work served 100 ms later, while
   * /proc/interrupts stays at the interrupts taken.
   */
  @Test
  void aSharedLineTheDetectorDisabledIsPolledEveryTenthOfASecond() {
    String yaml = """
        name: poll-spurious
        machine: { cpus: 2, chipset: i440fx }
        devices:
          - { id: net0, type: e1000e, bdf: "0000:00:03.0" }
          - { id: nic0, type: nic, bdf: "0000:00:07.0", msix: { table: 1 }, queues: 1 }
        drivers:
          - { device: net0, vectors: { kind: intx } }
          - { device: nic0, vectors: { min: 1, max: 1, kind: intx } }
        timeline:
          - { at: 0ms, link-up: { device: net0 } }
          - { at: 1ms, traffic: { device: net0, queues: [0], rate: 2k/s, for: 50ms } }
          - { at: 1ms, storm: { device: nic0, queue: 0, rate: 100M/s, for: 5ms } }
          - { at: END, mark: end }
        """;
    // Disabled at about 2 ms: the first poll comes at about 102 ms.
    RunResult before = run(yaml.replace("END", "90ms"));
    RunResult after = run(yaml.replace("END", "110ms"));
    for (RunResult r : java.util.List.of(before, after)) {
      assertThat(r.dmesg()).anyMatch(l -> l.text().equals("Disabling IRQ #11"));
    }
    RunResult.DeviceStat net0Before = before.devices().get(0);
    RunResult.DeviceStat net0After = after.devices().get(0);
    assertThat(net0Before.completed()).isEqualTo(net0After.completed()).isGreaterThan(50);
    assertThat(net0Before.outstanding()).isGreaterThan(50);
    assertThat(net0After.outstanding()).isZero();
    // The link status interrupt and the 100,000 unhandled ones; polled runs are not counted,
    // neither in kstat nor by note_interrupt (IRQS_POLL_INPROGRESS), even the unclaimed ones.
    RunResult idle = run(yaml.replace("rate: 2k/s, for: 50ms", "rate: 2k/s, for: 1us").replace("END", "250ms"));
    for (RunResult r : java.util.List.of(after, idle)) {
      RunResult.IrqStat line = r.irqs().get(0);
      assertThat(line.deliveredTotal()).isEqualTo(100_001);
      assertThat(java.util.Arrays.stream(line.spurious()).sum()).isEqualTo(100_000);
    }
  }

  /**
   * arch/x86/kernel/setup.c arch_cpu_is_hotpluggable is cpu > 0, so drivers/base/cpu.c
   * register_cpu sets offline_disabled and drivers/base/core.c device_add makes no 'online' file
   * for CPU 0; "echo 0 > /sys/devices/system/cpu/cpu0/online" opens it with O_CREAT in a sysfs
   * directory, which cannot create files: fs/namei.c lookup_open returns -EACCES. The same for
   * writing 1. Other CPUs' writes that change nothing succeed (device_offline/device_online
   * return 1, online_store treats it as success).
   */
  @Test
  void cpu0HasNoOnlineFile() {
    RunResult r = run("""
        name: cpu0
        machine: { cpus: 2 }
        devices: [ { id: nic0, type: nic, msix: { table: 2 }, queues: 2 } ]
        drivers: [ { device: nic0, vectors: { min: 2, max: 2, kind: msix } } ]
        timeline:
          - { at: 1ms, cpu-offline: 0 }
          - { at: 2ms, cpu-online: 0 }
          - { at: 3ms, cpu-online: 1 }
        """);
    assertThat(r.actions()).containsSubsequence(
        "1ms write /sys/devices/system/cpu/cpu0/online <- 0: FAILED: EACCES (Permission denied)",
        "2ms write /sys/devices/system/cpu/cpu0/online <- 1: FAILED: EACCES (Permission denied)",
        "3ms write /sys/devices/system/cpu/cpu1/online <- 1: OK (already online); online=0-1");
  }

  /**
   * Without remapping an affinity write only sets a pending move (kernel/irq/manage.c
   * irq_set_affinity_locked); the next interrupt carries it out in irq_move_masked_irq
   * (kernel/irq/migration.c), which on an error other than -EBUSY (here -ENOSPC from
   * irq_matrix_alloc: CPU 1 has no vector left) drops the pending mask and says nothing. The
   * write itself succeeded; the line keeps its affinity and CPU.
   */
  @Test
  void aDeferredMoveToAFullCpuIsDroppedSilently() {
    RunResult r = run("""
        name: full-cpu
        machine: { cpus: 2 }
        devices:
          - { id: big0, type: nic, msix: { table: 256 }, queues: 1 }
          - { id: nic1, type: nic, msix: { table: 1 }, queues: 1 }
        drivers:
          - { device: big0, vectors: { min: 201, max: 201, kind: msix, affinity: [1] } }
          - { device: nic1, vectors: { min: 1, max: 1, kind: msix } }
        timeline:
          - { at: 0ms, traffic: { device: nic1, queues: all, rate: 20k/s, for: 4ms } }
          - { at: 1ms, set-affinity: { irq: nic1/msix/0, cpus: [1] } }
        """);
    assertThat(action(r, "1ms write /proc/irq/")).endsWith("(nic1/msix/0): OK; now smp=0-1 eff=0 pending=1");
    assertThat(r.dmesg()).isEmpty();
    RunResult.IrqStat nic1 = r.irqs().stream().filter(i -> i.name().equals("nic1/msix/0")).findFirst().orElseThrow();
    assertThat(nic1.affinity()).isEqualTo("0-1");
    assertThat(nic1.effective()).isEqualTo("0");
    assertThat(nic1.delivered()[1]).isZero();
    assertThat(r.ok()).isTrue();
  }

  /**
   * drivers/net/ethernet/intel/e1000e: e_err is netdev_err, and e1000e_set_interrupt_capability
   * runs from e1000_sw_init before register_netdev, so net/core/dev.c __netdev_printk prints
   * "%s %s %s%s: " with netdev_name "(unnamed net_device)" (the name is still "eth%d") and
   * netdev_reg_state " (uninitialized)". An 82574 with a 2-entry table fails
   * pci_enable_msix_range(3, 3) and falls back to MSI.
   */
  @Test
  void e1000eFallbackMessageAtProbeNamesAnUnregisteredNetdev() {
    RunResult r = run("""
        name: e1000e-fallback
        machine: { cpus: 2, chipset: q35 }
        devices: [ { id: eth0, type: e1000e, msix: { table: 2 } } ]
        drivers: [ { device: eth0 } ]
        """);
    assertThat(r.dmesg()).anyMatch(l -> l.text().equals("e1000e 0000:00:03.0 (unnamed net_device) (uninitialized): "
        + "Failed to initialize MSI-X interrupts.  Falling back to MSI interrupts."));
    assertThat(r.actions()).contains("0ns probe eth0: eth0, MSI, requested at open");
  }
}
