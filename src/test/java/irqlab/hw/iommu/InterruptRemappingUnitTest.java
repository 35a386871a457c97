package irqlab.hw.iommu;

import static irqlab.hw.iommu.InterruptRemappingUnit.FECTL;
import static irqlab.hw.iommu.InterruptRemappingUnit.FEADDR;
import static irqlab.hw.iommu.InterruptRemappingUnit.FEDATA;
import static irqlab.hw.iommu.InterruptRemappingUnit.FSTS;
import static irqlab.hw.iommu.InterruptRemappingUnit.GCMD;
import static irqlab.hw.iommu.InterruptRemappingUnit.IRTA;
import static org.assertj.core.api.Assertions.assertThat;

import irqlab.hw.MessageObserver;
import irqlab.hw.PlatformBus;
import irqlab.hw.cpu.Cpu;
import irqlab.sim.run.RunRuntime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The remapping unit on its own, programmed the way the kernel programs it. */
class InterruptRemappingUnitTest {
  private static final long TABLE = 0x1b00000L;
  private static final int NIC = 0x18; // 00:03.0
  private static final int OTHER = 0x20; // 00:04.0
  private static final int FAULT_VECTOR = 0x30;

  private final RunRuntime exec = new RunRuntime(1);
  private final List<Cpu> cpus = List.of(new Cpu(0, 0), new Cpu(1, 1), new Cpu(2, 2), new Cpu(3, 3));
  private final PlatformBus bus = new PlatformBus(exec, cpus);
  private final TableMemory memory = new TableMemory(exec);
  private final InterruptRemappingUnit unit = new InterruptRemappingUnit(exec, bus, memory);
  private final List<String> seen = new ArrayList<>();
  private int rec;

  @BeforeEach
  void enableRemapping() {
    bus.setRemapper(unit);
    bus.addObserver(new MessageObserver() {
      @Override
      public void delivered(int requesterId, long address, int data, int cpu, int vector) {
        seen.add(String.format("delivered %04x cpu %d vector 0x%x", requesterId, cpu, vector));
      }

      @Override
      public void blocked(int requesterId, long address, int data, int faultReason, int index) {
        seen.add(String.format("blocked %04x reason 0x%x index %d", requesterId, faultReason, index));
      }

      @Override
      public void dropped(int requesterId, long address, int data, String why) {
        seen.add("dropped " + why);
      }
    });
    programTable(0xf);
    unit.mmioWrite32(GCMD, InterruptRemappingUnit.GCMD_IRE);
    unit.mmioWrite32(FEDATA, FAULT_VECTOR);
    unit.mmioWrite32(FEADDR, 0xfee00000); // APIC 0
    unit.mmioWrite32(FECTL, 0);
    rec = unit.faultRecordOffset();
  }

  /** iommu_set_irq_remapping: the kernel writes its command word with SIRTP added. */
  private void programTable(int sizeField) {
    unit.mmioWrite64(IRTA, TABLE | sizeField);
    int gcmd = unit.remappingEnabled() ? InterruptRemappingUnit.GCMD_IRE : 0;
    unit.mmioWrite32(GCMD, gcmd | InterruptRemappingUnit.GCMD_SIRTP);
  }

  private void entry(int index, Irte e) {
    memory.write64(TABLE + index * 16L, e.low());
    memory.write64(TABLE + index * 16L + 8, e.high());
  }

  private static long handle(int h) {
    return RemappableFormat.addressLo(h, true) & 0xffffffffL;
  }

  private boolean pending(int cpu, int vector) {
    return cpus.get(cpu).apic().irrPending(vector);
  }

  private int recordedReason() {
    return unit.mmioRead32(rec + 12) & 0xff;
  }

  private boolean recordValid() {
    return (unit.mmioRead32(rec + 12) & InterruptRemappingUnit.FRCD_F) != 0;
  }

  @Test
  void remappableMessageIsTranslatedThroughItsEntry() {
    entry(5, Irte.remapped(0x41, 2, Irte.SVT_VERIFY_SID_SQ, Irte.SQ_ALL_16, NIC));
    bus.memoryWrite(NIC, handle(5), 0);
    assertThat(pending(2, 0x41)).isTrue();
    assertThat(seen).containsExactly("delivered 0018 cpu 2 vector 0x41");
    assertThat(unit.translated()).isEqualTo(1);
  }

  @Test
  void subhandleSelectsConsecutiveEntriesOnlyWhenValid() {
    for (int i = 0; i < 4; i++) {
      entry(8 + i, Irte.remapped(0x50 + i, 1, Irte.SVT_VERIFY_SID_SQ, Irte.SQ_ALL_16, NIC));
    }
    bus.memoryWrite(NIC, handle(8), 2);
    assertThat(pending(1, 0x52)).isTrue();
    bus.memoryWrite(NIC, RemappableFormat.addressLo(8, false) & 0xffffffffL, 3);
    assertThat(pending(1, 0x50)).as("without SHV the data is not a subhandle").isTrue();
    assertThat(pending(1, 0x53)).isFalse();
  }

  @Test
  void compatibilityFormatIsBlockedAndRecordedAndRaisesTheFaultEvent() {
    bus.memoryWrite(NIC, 0xfee01000L, 0x41);
    assertThat(pending(1, 0x41)).isFalse();
    assertThat(seen).containsExactly("blocked 0018 reason 0x25 index 0",
        "delivered 0000 cpu 0 vector 0x30");
    assertThat(pending(0, FAULT_VECTOR)).as("the fault event goes straight to the APIC").isTrue();
    assertThat(unit.mmioRead32(FSTS)).isEqualTo(InterruptRemappingUnit.FSTS_PPF); // FRI 0
    assertThat(recordValid()).isTrue();
    assertThat(recordedReason()).isEqualTo(0x25);
    assertThat(unit.mmioRead32(rec + 8) & 0xffff).isEqualTo(NIC);
    assertThat(unit.blocked(IrFaultReason.COMPATIBILITY_BLOCKED)).isEqualTo(1);
  }

  @Test
  void compatibilityFormatPassesWhenAllowedOrWhenRemappingIsOff() {
    unit.mmioWrite32(GCMD, InterruptRemappingUnit.GCMD_IRE | InterruptRemappingUnit.GCMD_CFI);
    bus.memoryWrite(NIC, 0xfee01000L, 0x41);
    assertThat(pending(1, 0x41)).isTrue();
    unit.mmioWrite32(GCMD, 0);
    assertThat(unit.remappingEnabled()).isFalse();
    bus.memoryWrite(NIC, 0xfee02000L, 0x42);
    assertThat(pending(2, 0x42)).isTrue();
    assertThat(unit.blockedTotal()).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "REQUEST_RESERVED, 0x20",
    "INDEX_BEYOND_TABLE, 0x21",
    "ENTRY_NOT_PRESENT, 0x22",
    "ENTRY_RESERVED, 0x24",
    "COMPATIBILITY_BLOCKED, 0x25",
    "SOURCE_ID_MISMATCH, 0x26"
  })
  void everyFaultReasonBlocksAndIsRecorded(IrFaultReason reason, String code) {
    Irte good = Irte.remapped(0x41, 1, Irte.SVT_VERIFY_SID_SQ, Irte.SQ_ALL_16, NIC);
    long address = handle(3);
    int data = 0;
    int requester = NIC;
    int index = 3;
    switch (reason) {
      case REQUEST_RESERVED -> {
        entry(3, good);
        data = 0x10000; // data bits 31:16 with SHV
      }
      case INDEX_BEYOND_TABLE -> {
        programTable(3); // 16 entries
        address = handle(16);
        index = 16;
      }
      case ENTRY_NOT_PRESENT -> {}
      case ENTRY_RESERVED -> {
        memory.write64(TABLE + 3 * 16, good.low() | (1L << 24));
        memory.write64(TABLE + 3 * 16 + 8, good.high());
      }
      case COMPATIBILITY_BLOCKED -> {
        address = 0xfee01000L;
        data = 0x41;
        index = 0;
      }
      case SOURCE_ID_MISMATCH -> {
        entry(3, good);
        requester = OTHER;
      }
      default -> throw new IllegalStateException();
    }
    bus.memoryWrite(requester, address, data);
    assertThat(pending(1, 0x41)).isFalse();
    assertThat(seen.get(0)).isEqualTo(String.format("blocked %04x reason %s index %d", requester, code, index));
    assertThat(recordedReason()).isEqualTo(Integer.decode(code));
    assertThat(reason.code()).isEqualTo(Integer.decode(code));
    assertThat(unit.mmioRead64(rec) >>> 48).as("fault info carries the index").isEqualTo(index);
    assertThat(unit.blocked(reason)).isEqualTo(1);
  }

  @Test
  void faultProcessingDisableBlocksWithoutRecording() {
    memory.write64(TABLE + 7 * 16, 2); // FPD set, not present
    bus.memoryWrite(NIC, handle(7), 0);
    assertThat(seen).containsExactly("blocked 0018 reason 0x22 index 7");
    assertThat(unit.mmioRead32(FSTS)).isZero();
    assertThat(pending(0, FAULT_VECTOR)).isFalse();
  }

  @Test
  void oneFaultRecordOverflowsUntilSoftwareClearsIt() {
    assertThat(unit.numFaultRecords()).isEqualTo(1);
    bus.memoryWrite(NIC, 0xfee01000L, 0x41);
    bus.memoryWrite(OTHER, 0xfee01000L, 0x42);
    assertThat(unit.mmioRead32(FSTS) & InterruptRemappingUnit.FSTS_PFO).isNotZero();
    assertThat(unit.faultsLost()).isEqualTo(1);
    assertThat(unit.mmioRead32(rec + 8) & 0xffff).as("the first fault is kept").isEqualTo(NIC);
    // dmar_fault: clear the record, then the status.
    unit.mmioWrite32(rec + 12, InterruptRemappingUnit.FRCD_F);
    unit.mmioWrite32(FSTS, InterruptRemappingUnit.FSTS_PFO | InterruptRemappingUnit.FSTS_PPF);
    assertThat(unit.mmioRead32(FSTS)).isZero();
    cpus.get(0).apic().clearPending(FAULT_VECTOR);
    bus.memoryWrite(OTHER, 0xfee01000L, 0x43);
    assertThat(unit.mmioRead32(rec + 8) & 0xffff).isEqualTo(OTHER);
    assertThat(pending(0, FAULT_VECTOR)).as("a new first fault raises the event again").isTrue();
  }

  @Test
  void maskedFaultEventIsPendingUntilUnmasked() {
    unit.mmioWrite32(FECTL, InterruptRemappingUnit.FECTL_IM);
    bus.memoryWrite(NIC, 0xfee01000L, 0x41);
    assertThat(pending(0, FAULT_VECTOR)).isFalse();
    assertThat(unit.mmioRead32(FECTL) & InterruptRemappingUnit.FECTL_IP).isNotZero();
    unit.mmioWrite32(FECTL, 0);
    assertThat(pending(0, FAULT_VECTOR)).isTrue();
    assertThat(unit.mmioRead32(FECTL) & InterruptRemappingUnit.FECTL_IP).isZero();
  }

  @Test
  void capabilitiesAreTheReferenceMachines() {
    assertThat(unit.mmioRead64(InterruptRemappingUnit.CAP)).isEqualTo(0xd2008c22260206L);
    assertThat(unit.mmioRead64(InterruptRemappingUnit.ECAP)).isEqualTo(0xf00f4aL);
    assertThat(unit.faultRecordOffset()).isEqualTo(0x220);
  }
}
