package irqlab.kernel.x86;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import irqlab.kernel.Errno;
import irqlab.kernel.KernelException;
import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.x86.VectorMatrix.Allocation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Example tests: the Linux 6.12 q35 4-CPU reference dumps and the kernel's corner cases. */
class VectorMatrixTest {
  private static final Path REF =
      Path.of("/work/shared/reference/linux-6.12/q35-noir-4cpu/irqdbg");
  private static final CpuMask ALL4 = CpuMask.first(4);

  private static String header(int online, int avl, int rsvd, int total) {
    return String.format(
        "Online bitmaps:   %6d%nGlobal available: %6d%nGlobal reserved:  %6d%n"
            + "Total allocated:  %6d%nSystem: 37: 0-21,29,50,128,236,244,246-255%n"
            + " | CPU | avl | man | mac | act | vectors%n",
        online, avl, rsvd, total).replace("\r\n", "\n");
  }

  @Test
  void x86BootHasTheQ35SystemMapAnd201VectorsPerCpu() {
    VectorMatrix m = VectorMatrix.x86Boot(4);
    assertThat(m.systemList()).isEqualTo("0-21,29,50,128,236,244,246-255");
    assertThat(m.systemBitsInAlloc()).isEqualTo(2); // 0x32 cascade and 0x80 syscall
    for (int cpu = 0; cpu < 4; cpu++) {
      assertThat(m.available(cpu)).isEqualTo(201);
      assertThat(m.isOnline(cpu)).isTrue();
    }
    assertThat(m.globalAvailable()).isEqualTo(804);
    assertThat(m.debugShow())
        .isEqualTo(header(4, 804, 0, 0)
            + "     0   201     0     0    0  \n"
            + "     1   201     0     0    0  \n"
            + "     2   201     0     0    0  \n"
            + "     3   201     0     0    0  \n");
  }

  @Test
  void preV610GeometryEndsAtTheTimerVectorAndGives202() {
    VectorMatrix m = new VectorMatrix(2, 256, 0x20, VectorMatrix.LOCAL_TIMER_VECTOR);
    m.assignSystem(0x32, false);
    m.assignSystem(0x80, false);
    m.assignSystem(0xec, false); // outside [start, end): does not shrink the budget
    m.online(0);
    assertThat(m.available(0)).isEqualTo(202);
  }

  /** Replays the boot of the reference guest (trace_vectors) operation by operation. */
  private static VectorMatrix bootedAsReference() {
    VectorMatrix m = VectorMatrix.x86Boot(4);
    for (int irq = 0; irq < 16; irq++) { // lapic_assign_system_vectors(): ISA vectors on CPU 0
      if (irq != VectorMatrix.PIC_CASCADE_IR) {
        m.assign(VectorMatrix.ISA_IRQ_VECTOR_BASE + irq);
      }
    }
    for (int irq = 1; irq < 16; irq++) { // IO-APIC setup: all but the timer go reservation mode
      if (irq != VectorMatrix.PIC_CASCADE_IR) {
        m.free(0, VectorMatrix.ISA_IRQ_VECTOR_BASE + irq, false);
        m.reserve();
      }
    }
    assertThat(m.alloc(ALL4, true)).isEqualTo(new Allocation(1, 32)); // irq 9 acpi
    for (int i = 0; i < 5; i++) {
      m.reserve();
    }
    assertThat(m.alloc(ALL4, true)).isEqualTo(new Allocation(2, 32));
    assertThat(m.alloc(ALL4, true)).isEqualTo(new Allocation(3, 32));
    m.free(3, 32, false);
    m.reserve();
    m.removeReserved();
    m.reserve();
    for (int cpu = 0; cpu < 4; cpu++) { // nvme q1..q4 reserve one managed vector each
      m.reserveManaged(CpuMask.of(cpu));
    }
    assertThat(m.isManagedBit(0, 32) && m.isManagedBit(1, 33) && m.isManagedBit(2, 33)
        && m.isManagedBit(3, 32)).isTrue();
    assertThat(m.alloc(ALL4, true)).isEqualTo(new Allocation(3, 33)); // nvme admin queue
    for (int i = 0; i < 9; i++) { // virtio-net config + 8 queues
      m.reserve();
    }
    int[][] virtio = {{0, 33}, {1, 34}, {2, 34}, {3, 34}, {0, 34}, {1, 35}, {2, 35}, {3, 35},
        {0, 35}};
    for (int[] want : virtio) {
      assertThat(m.alloc(ALL4, true)).isEqualTo(new Allocation(want[0], want[1]));
    }
    int[] managedBits = {32, 33, 33, 32};
    for (int cpu = 0; cpu < 4; cpu++) {
      assertThat(m.allocManaged(CpuMask.of(cpu))).isEqualTo(new Allocation(cpu, managedBits[cpu]));
    }
    for (int i = 0; i < 4; i++) {
      m.reserve();
    }
    assertThat(m.alloc(ALL4, true)).isEqualTo(new Allocation(1, 36)); // i8042 aux, probed
    m.free(1, 36, false);
    m.reserve();
    assertThat(m.alloc(ALL4, true)).isEqualTo(new Allocation(1, 36));
    assertThat(m.alloc(ALL4, true)).isEqualTo(new Allocation(2, 36)); // i8042 kbd
    assertThat(m.alloc(ALL4, true)).isEqualTo(new Allocation(3, 36)); // rtc
    assertThat(m.alloc(ALL4, true)).isEqualTo(new Allocation(0, 36)); // ttyS0
    return m;
  }

  @Test
  void reproducesTheReferenceVectorDumpsThroughBootHotplug() {
    VectorMatrix m = bootedAsReference();
    assertThat(m.debugShow()).isEqualTo(header(4, 783, 16, 21)
        + "     0   195     1     1    6  32-36,48\n"
        + "     1   196     1     1    5  32-36\n"
        + "     2   196     1     1    5  32-36\n"
        + "     3   196     1     1    5  32-36\n");

    for (int cpu = 1; cpu < 4; cpu++) { // boot_linkup: e1000e's three MSI-X vectors
      assertThat(m.alloc(ALL4, true)).isEqualTo(new Allocation(cpu, 37));
    }
    String linkup = header(4, 780, 13, 24)
        + "     0   195     1     1    6  32-36,48\n"
        + "     1   195     1     1    6  32-37\n"
        + "     2   195     1     1    6  32-37\n"
        + "     3   195     1     1    6  32-37\n";
    assertThat(m.debugShow()).isEqualTo(linkup);

    // b_offline_cpu1: vectors leave CPU 1 in irq order, managed nvme q2 shuts down
    CpuMask rest = CpuMask.of(0, 2, 3);
    m.setCurrentCpu(1);
    assertThat(m.allocated()).isEqualTo(5); // what lapic_can_unplug_cpu() must move
    assertThat(m.available(true)).isEqualTo(780 - 195);
    assertThat(m.alloc(rest, false)).isEqualTo(new Allocation(0, 37)); // irq 9
    assertThat(m.alloc(rest, false)).isEqualTo(new Allocation(2, 38)); // irq 12
    m.free(1, 33, true); // irq 27 managed shutdown
    assertThat(m.alloc(CpuMask.of(2), false)).isEqualTo(new Allocation(2, 39)); // irq 31
    assertThat(m.alloc(CpuMask.of(2), false)).isEqualTo(new Allocation(2, 40)); // irq 35
    assertThat(m.alloc(rest, false)).isEqualTo(new Allocation(3, 38)); // irq 39
    for (int bit : new int[] {32, 34, 35, 36, 37}) {
      m.free(1, bit, false); // vector cleanup before the matrix goes offline
    }
    m.offline(1);
    assertThat(m.debugShow()).isEqualTo(header(3, 580, 13, 23)
        + "     0   194     1     1    7  32-37,48\n"
        + "     2   192     1     1    9  32-40\n"
        + "     3   194     1     1    7  32-38\n");

    m.online(1); // c_online_cpu1: the managed queue starts again on its reserved bit
    assertThat(m.allocManaged(CpuMask.of(1))).isEqualTo(new Allocation(1, 33));
    assertThat(m.debugShow()).isEqualTo(header(4, 780, 13, 24)
        + "     0   194     1     1    7  32-37,48\n"
        + "     1   200     1     1    1  33\n"
        + "     2   192     1     1    9  32-40\n"
        + "     3   194     1     1    7  32-38\n");
    assertThat(m.warnings()).isEmpty();
  }

  private static final Pattern TRACE_LINE =
      Pattern.compile("\\[(\\d{3})\\].*?: (irq_matrix_(\\w+): (.*))$");
  private static final Pattern FIELD = Pattern.compile("(\\w+)=(\\d+)");

  /** Drives the matrix from the reference trace and demands identical tracepoint lines. */
  @Test
  void replaysTheReferenceBootTraceLineByLine() throws IOException {
    Assumptions.assumeTrue(Files.isDirectory(REF), "reference dumps not present");
    VectorMatrix m = new VectorMatrix(4);
    List<String> got = new ArrayList<>();
    m.setTrace(got::add);
    int replayed = 0;
    for (String dir : new String[] {"boot", "boot_linkup"}) {
      for (String line : Files.readAllLines(REF.resolve(dir).resolve("trace_vectors"))) {
        Matcher lm = TRACE_LINE.matcher(line);
        if (!lm.find()) {
          continue;
        }
        int column = Integer.parseInt(lm.group(1));
        java.util.Map<String, Integer> f = new java.util.HashMap<>();
        Matcher fm = FIELD.matcher(lm.group(4));
        while (fm.find()) {
          f.put(fm.group(1), Integer.parseInt(fm.group(2)));
        }
        got.clear();
        switch (lm.group(3)) {
          case "assign_system" -> m.assignSystem(f.get("bit"), false);
          case "online" -> m.online(column);
          case "assign" -> {
            m.setCurrentCpu(f.get("cpu"));
            m.assign(f.get("bit"));
          }
          case "free" -> m.free(f.get("cpu"), f.get("bit"), m.isManagedBit(f.get("cpu"),
              f.get("bit")));
          case "reserve" -> m.reserve();
          case "remove_reserved" -> m.removeReserved();
          case "reserve_managed" -> m.reserveManaged(CpuMask.of(f.get("cpu")));
          case "alloc" -> m.alloc(ALL4, f.get("global_rsvd") == m.reservedCount() - 1);
          case "alloc_managed" -> m.allocManaged(CpuMask.of(f.get("cpu")));
          default -> throw new AssertionError("unexpected event " + line);
        }
        assertThat(got).containsExactly(lm.group(2));
        replayed++;
      }
    }
    assertThat(replayed).isEqualTo(137);
    assertThat(m.globalAvailable()).isEqualTo(780);
  }

  @Test
  void allocPicksMostAvailableOnlineCpuAndLowestOnTies() {
    VectorMatrix m = VectorMatrix.x86Boot(4);
    assertThat(m.alloc(CpuMask.of(2, 3), false)).isEqualTo(new Allocation(2, 32));
    assertThat(m.alloc(CpuMask.of(2, 3), false)).isEqualTo(new Allocation(3, 32));
    assertThat(m.alloc(CpuMask.of(1, 2, 3), false)).isEqualTo(new Allocation(1, 32));
    m.offline(0);
    assertThat(m.alloc(CpuMask.of(0, 2), false)).isEqualTo(new Allocation(2, 33));
    assertThatThrownBy(() -> m.alloc(CpuMask.of(0), false))
        .isInstanceOfSatisfying(KernelException.class,
            e -> assertThat(e.errno()).isEqualTo(Errno.ENOSPC));
    assertThatThrownBy(() -> m.alloc(CpuMask.EMPTY, false))
        .isInstanceOfSatisfying(KernelException.class,
            e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
  }

  @Test
  void allocSkipsSystemAndManagedBitsAndFailsWhenFull() {
    VectorMatrix m = new VectorMatrix(1, 16, 4, 8);
    m.assignSystem(5, false);
    m.online(0);
    m.reserveManaged(CpuMask.of(0)); // takes bit 4
    assertThat(m.alloc(CpuMask.of(0), false).vector()).isEqualTo(6);
    assertThat(m.alloc(CpuMask.of(0), false).vector()).isEqualTo(7);
    assertThat(m.available(0)).isZero();
    assertThatThrownBy(() -> m.alloc(CpuMask.of(0), false))
        .isInstanceOfSatisfying(KernelException.class,
            e -> assertThat(e.errno()).isEqualTo(Errno.ENOSPC));
  }

  @Test
  void managedAllocPicksFewestManagedAllocatedAndHighestCpuOnTies() {
    VectorMatrix m = VectorMatrix.x86Boot(4);
    m.reserveManaged(ALL4);
    m.reserveManaged(ALL4);
    assertThat(m.allocManaged(ALL4).cpu()).isEqualTo(3);
    assertThat(m.allocManaged(ALL4).cpu()).isEqualTo(2);
    assertThat(m.allocManaged(CpuMask.of(0, 3)).cpu()).isEqualTo(0);
    assertThat(m.allocManaged(ALL4)).isEqualTo(new Allocation(1, 32));
    assertThat(m.allocManaged(ALL4)).isEqualTo(new Allocation(3, 33));
    assertThatThrownBy(() -> m.allocManaged(CpuMask.EMPTY))
        .isInstanceOfSatisfying(KernelException.class,
            e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
  }

  @Test
  void managedAllocTriesOnlyTheChosenCpu() {
    VectorMatrix m = VectorMatrix.x86Boot(2);
    m.reserveManaged(CpuMask.of(0));
    // CPU 1 wins the tie but has no reservation: ENOSPC although CPU 0 has one.
    assertThatThrownBy(() -> m.allocManaged(CpuMask.of(0, 1)))
        .isInstanceOfSatisfying(KernelException.class,
            e -> assertThat(e.errno()).isEqualTo(Errno.ENOSPC));
    assertThat(m.allocManaged(CpuMask.of(0))).isEqualTo(new Allocation(0, 32));
  }

  @Test
  void managedReservationCountsOnOfflineCpusAndFreeKeepsItReserved() {
    VectorMatrix m = VectorMatrix.x86Boot(2);
    m.offline(1);
    m.reserveManaged(CpuMask.of(0, 1));
    assertThat(m.managed(1)).isEqualTo(1);
    assertThat(m.available(1)).isEqualTo(201); // offline: budget untouched
    assertThat(m.available(0)).isEqualTo(200);
    Allocation a = m.allocManaged(CpuMask.of(0, 1));
    assertThat(a).isEqualTo(new Allocation(0, 32));
    assertThat(m.available(0)).isEqualTo(200); // already paid at reservation
    m.free(0, 32, true);
    assertThat(m.isManagedBit(0, 32)).isTrue();
    assertThat(m.isUsed(0, 32)).isFalse();
    assertThat(m.available(0)).isEqualTo(200);
    assertThat(m.alloc(CpuMask.of(0), false).vector()).isEqualTo(33);
    m.removeManaged(CpuMask.of(0));
    assertThat(m.isManagedBit(0, 32)).isFalse();
    assertThat(m.available(0)).isEqualTo(200);
  }

  @Test
  void reservationWhileOfflineLeavesTheBudgetStaleAfterOnline() {
    VectorMatrix m = VectorMatrix.x86Boot(2);
    m.offline(1);
    m.reserveManaged(CpuMask.of(1));
    m.online(1); // initialized already: the budget is not recomputed
    assertThat(m.available(1)).isEqualTo(201);
    assertThat(m.globalAvailable()).isEqualTo(402);
  }

  @Test
  void reserveManagedRollsBackWithTheLowestUnallocatedBit() {
    VectorMatrix m = new VectorMatrix(2, 16, 4, 8);
    m.online(0);
    m.online(1);
    m.reserveManaged(CpuMask.of(0)); // CPU 0: bit 4
    for (int i = 0; i < 4; i++) {
      m.alloc(CpuMask.of(1), false); // fill CPU 1
    }
    List<String> events = new ArrayList<>();
    m.setTrace(events::add);
    assertThatThrownBy(() -> m.reserveManaged(CpuMask.of(0, 1)))
        .isInstanceOfSatisfying(KernelException.class,
            e -> assertThat(e.errno()).isEqualTo(Errno.ENOSPC));
    assertThat(m.managed(0)).isEqualTo(1);
    assertThat(m.isManagedBit(0, 5)).isTrue(); // the new bit survives, the old one went
    assertThat(m.isManagedBit(0, 4)).isFalse();
    assertThat(m.available(0)).isEqualTo(3);
    assertThat(events).containsExactly(
        "irq_matrix_reserve_managed: bit=5 cpu=0 online=1 avl=2 alloc=0 managed=2 online_maps=2"
            + " global_avl=2, global_rsvd=0, total_alloc=4",
        "irq_matrix_remove_managed: bit=4 cpu=0 online=1 avl=3 alloc=0 managed=1 online_maps=2"
            + " global_avl=3, global_rsvd=0, total_alloc=4");
  }

  @Test
  void freeOnAnOfflineCpuKeepsTotalAllocated() {
    VectorMatrix m = VectorMatrix.x86Boot(2);
    Allocation a = m.alloc(CpuMask.of(1), false);
    m.offline(1);
    m.free(a.cpu(), a.vector(), false);
    assertThat(m.allocated(1)).isZero();
    assertThat(m.totalAllocated()).isEqualTo(1);
    assertThat(m.available(1)).isEqualTo(201);
    assertThat(m.globalAvailable()).isEqualTo(201);
  }

  @Test
  void badFreesAndAssignsWarnAndChangeNothing() {
    VectorMatrix m = VectorMatrix.x86Boot(1);
    m.free(0, 40, false);
    m.free(0, 0x10, false);
    m.assign(0xf0);
    m.assign(0x30);
    m.assign(0x30);
    m.removeManaged(CpuMask.of(0));
    assertThat(m.warnings()).hasSize(5);
    assertThat(m.allocated(0)).isEqualTo(1);
    assertThat(m.available(0)).isEqualTo(200);
  }

  @Test
  void countersAreUnsignedLikeTheKernel() {
    VectorMatrix m = VectorMatrix.x86Boot(1);
    m.alloc(CpuMask.of(0), true); // consumes a reservation that was never made
    assertThat(m.reservedCount()).isEqualTo(-1);
    assertThat(m.debugShow()).contains("Global reserved:  4294967295\n");
    m.reserve();
    m.reserve();
    assertThat(m.reservedCount()).isEqualTo(1);
  }

  @Test
  void reserveBeyondAvailableWarns() {
    VectorMatrix m = new VectorMatrix(1, 16, 4, 6);
    m.online(0);
    m.reserve();
    m.reserve();
    assertThat(m.warnings()).isEmpty();
    m.reserve();
    assertThat(m.warnings()).containsExactly("Interrupt reservation exceeds available resources");
  }

  @Test
  void assignSystemIsBootOnlyAndReplaceConvertsAnAllocation() {
    VectorMatrix m = new VectorMatrix(2);
    m.online(0);
    m.assign(0x40);
    m.assignSystem(0x40, true);
    assertThat(m.isSystem(0x40)).isTrue();
    assertThat(m.isUsed(0, 0x40)).isFalse();
    assertThat(m.totalAllocated()).isZero();
    assertThatThrownBy(() -> m.assignSystem(0x41, false))
        .isInstanceOf(IllegalStateException.class);
    m.online(1);
    assertThatThrownBy(() -> m.assignSystem(0x42, true)).isInstanceOf(IllegalStateException.class);
    assertThat(m.available(1)).isEqualTo(0xeb - 0x20 - 1);
    assertThatThrownBy(() -> m.online(1)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void traceIsSilentUntilASinkIsSetAndFormatsEveryEventClass() {
    VectorMatrix m = new VectorMatrix(2);
    List<String> events = new ArrayList<>();
    m.assignSystem(0x80, false); // no sink yet
    m.setTrace(events::add);
    m.online(0);
    m.alloc(CpuMask.of(0, 1), false);
    m.offline(0);
    assertThat(events).containsExactly(
        "irq_matrix_online: online_maps=1 global_avl=202, global_rsvd=0, total_alloc=0",
        "irq_matrix_alloc: bit=32 cpu=0 online=1 avl=201 alloc=1 managed=0 online_maps=1"
            + " global_avl=201, global_rsvd=0, total_alloc=1",
        "irq_matrix_offline: online_maps=0 global_avl=0, global_rsvd=0, total_alloc=1");
  }

  @Test
  void debugShowIndentsLikeSeqPrintf() {
    VectorMatrix m = new VectorMatrix(1, 16, 4, 8);
    m.online(0);
    m.alloc(CpuMask.of(0), false);
    assertThat(m.debugShow(3)).endsWith("   | CPU | avl | man | mac | act | vectors\n"
        + "       0     3     0     0    1  4\n");
    assertThat(m.usedList(0)).isEqualTo("4");
  }
}
