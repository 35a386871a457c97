package irqlab.hw.iommu;

import irqlab.exec.Access;
import irqlab.exec.Exec;
import irqlab.exec.Resource;
import irqlab.hw.InterruptRemapper;
import irqlab.hw.MsiMessage;
import irqlab.hw.PlatformBus;

/**
 * The interrupt remapping half of a VT-d remapping hardware unit (DRHD): its registers (global
 * command and status, the table address IRTA, fault status, fault event control, data and
 * address, and the primary fault recording registers) and the translation the platform bus asks
 * for on every interrupt write. The table lives in host memory and is read at the moment a
 * request arrives, entry by entry; nothing is cached, so what the kernel last stored is what a
 * device gets.
 *
 * <p>Capabilities are those of QEMU's intel-iommu on the reference q35 machine (dmesg "cap
 * d2008c22260206 ecap f00f4a"): one fault recording register at 0x220, interrupt remapping, no
 * x2APIC mode, handle mask up to 15. A unit for an x2APIC machine also offers extended interrupt
 * mode (ECAP.EIM, QEMU's {@code eim=on}): 32-bit destinations when IRTA.EIME is set.
 */
public final class InterruptRemappingUnit implements InterruptRemapper {
  // Register offsets (drivers/iommu/intel/iommu.h DMAR_*_REG).
  public static final int VER = 0x00;
  public static final int CAP = 0x08;
  public static final int ECAP = 0x10;
  public static final int GCMD = 0x18;
  public static final int GSTS = 0x1c;
  public static final int FSTS = 0x34;
  public static final int FECTL = 0x38;
  public static final int FEDATA = 0x3c;
  public static final int FEADDR = 0x40;
  public static final int FEUADDR = 0x44;
  public static final int IRTA = 0xb8;

  public static final long CAP_VALUE = 0x00d2008c22260206L;
  public static final long ECAP_VALUE = 0x0000000000f00f4aL;
  /** ECAP.EIM: extended interrupt mode (x2APIC destinations) supported. */
  public static final long ECAP_EIM = 1L << 4;

  // Global command / status bits.
  public static final int GCMD_QIE = 1 << 26;
  public static final int GCMD_IRE = 1 << 25;
  public static final int GCMD_SIRTP = 1 << 24;
  public static final int GCMD_CFI = 1 << 23;
  public static final int GSTS_QIES = 1 << 26;
  public static final int GSTS_IRES = 1 << 25;
  public static final int GSTS_IRTPS = 1 << 24;
  public static final int GSTS_CFIS = 1 << 23;

  // Fault status, fault event control, fault record bits.
  public static final int FSTS_PFO = 1;
  public static final int FSTS_PPF = 1 << 1;
  public static final int FSTS_PRO = 1 << 7;
  public static final int FECTL_IM = 1 << 31;
  public static final int FECTL_IP = 1 << 30;
  public static final int FRCD_F = 1 << 31;
  public static final long IRTA_EIME = 1L << 11;

  /** The requester id the unit's own fault event carries (the root complex). */
  public static final int OWN_SOURCE_ID = 0;

  private final Exec exec;
  private final Resource registers = Resource.of("dmar0 regs", 2, off -> String.format("0x%02x", off));
  private final PlatformBus bus;
  private final TableMemory memory;
  private final int faultRecordOffset;
  private final int numFaultRecords;
  // Registers.
  private int gsts;
  private long irta;
  private int fsts;
  private int fectl = FECTL_IM;
  private int fedata;
  private int feaddr;
  private int feuaddr;
  private final long[] frcdLow;
  private final long[] frcdHigh;
  // State latched by "set interrupt remap table pointer".
  private long tableBase;
  private int tableEntries;
  private boolean x2apic;
  private final long ecap;
  private int nextRecord;
  // Statistics for views and tests.
  private long translated;
  private final long[] blockedByReason = new long[7];
  private long faultsLost;

  public InterruptRemappingUnit(Exec exec, PlatformBus bus, TableMemory memory) {
    this(exec, bus, memory, false);
  }

  /** A unit that offers extended interrupt mode (x2APIC) when {@code eim}. */
  public InterruptRemappingUnit(Exec exec, PlatformBus bus, TableMemory memory, boolean eim) {
    this.ecap = ECAP_VALUE | (eim ? ECAP_EIM : 0);
    this.exec = exec;
    this.bus = bus;
    this.memory = memory;
    this.faultRecordOffset = (int) (((CAP_VALUE >>> 24) & 0x3ff) * 16);
    this.numFaultRecords = (int) (((CAP_VALUE >>> 40) & 0xff) + 1);
    this.frcdLow = new long[numFaultRecords];
    this.frcdHigh = new long[numFaultRecords];
  }

  public TableMemory memory() {
    return memory;
  }

  // ---- register accessors used by the kernel: each is a scheduling point ----

  public int mmioRead32(int off) {
    exec.point("mmio read", registers, off, Access.READ);
    int v = (int) read(off, 4);
    exec.traceValue(v & 0xffffffffL);
    return v;
  }

  public long mmioRead64(int off) {
    exec.point("mmio read", registers, off, Access.READ);
    long v = read(off, 8);
    exec.traceValue(v);
    return v;
  }

  public void mmioWrite32(int off, int value) {
    exec.point("mmio write", registers, off, Access.WRITE);
    exec.traceValue(value & 0xffffffffL);
    write(off, value & 0xffffffffL, 4);
  }

  public void mmioWrite64(int off, long value) {
    exec.point("mmio write", registers, off, Access.WRITE);
    exec.traceValue(value);
    write(off, value, 8);
  }

  private long read(int off, int size) {
    int rec = recordOf(off);
    if (rec >= 0) {
      int in = (off - faultRecordOffset) & 15;
      long v = in < 8 ? frcdLow[rec] >>> (in * 8) : frcdHigh[rec] >>> ((in - 8) * 8);
      return size == 4 ? v & 0xffffffffL : v;
    }
    return switch (off) {
      case VER -> 0x10;
      case CAP -> size == 4 ? CAP_VALUE & 0xffffffffL : CAP_VALUE;
      case CAP + 4 -> CAP_VALUE >>> 32;
      case ECAP -> size == 4 ? ecap & 0xffffffffL : ecap;
      case ECAP + 4 -> ecap >>> 32;
      case GSTS -> gsts & 0xffffffffL;
      case FSTS -> faultStatus() & 0xffffffffL;
      case FECTL -> fectl & 0xffffffffL;
      case FEDATA -> fedata & 0xffffffffL;
      case FEADDR -> feaddr & 0xffffffffL;
      case FEUADDR -> feuaddr & 0xffffffffL;
      case IRTA -> size == 4 ? irta & 0xffffffffL : irta;
      default -> 0;
    };
  }

  private void write(int off, long value, int size) {
    int rec = recordOf(off);
    if (rec >= 0) {
      // Only the F bit of the top dword is writable: writing 1 clears the record.
      int in = (off - faultRecordOffset) & 15;
      boolean clearsF = (in == 12 && (value & FRCD_F & 0xffffffffL) != 0) || (in == 8 && size == 8 && (value >>> 63) != 0);
      if (clearsF) {
        frcdHigh[rec] &= ~(1L << 63);
        afterFaultCleared();
      }
      return;
    }
    switch (off) {
      case GCMD -> globalCommand((int) value);
      case FSTS -> {
        fsts &= ~((int) value & (FSTS_PFO | FSTS_PRO));
        afterFaultCleared();
      }
      case FECTL -> faultEventControl((int) value);
      case FEDATA -> fedata = (int) value;
      case FEADDR -> feaddr = (int) value;
      case FEUADDR -> feuaddr = (int) value;
      case IRTA -> irta = size == 4 ? (irta & ~0xffffffffL) | value : value;
      case IRTA + 4 -> irta = (irta & 0xffffffffL) | (value << 32);
      default -> {}
    }
  }

  private int recordOf(int off) {
    int rel = off - faultRecordOffset;
    return rel >= 0 && rel < numFaultRecords * 16 ? rel >>> 4 : -1;
  }

  /** GCMD: each command bit written sets the matching status; SIRTP latches IRTA (one-shot). */
  private void globalCommand(int cmd) {
    if ((cmd & GCMD_SIRTP) != 0) {
      tableBase = irta & ~0xfffL;
      tableEntries = 1 << ((int) (irta & 0xf) + 1);
      x2apic = (irta & IRTA_EIME) != 0;
      gsts |= GSTS_IRTPS;
    }
    gsts = (cmd & GCMD_IRE) != 0 ? gsts | GSTS_IRES : gsts & ~GSTS_IRES;
    gsts = (cmd & GCMD_CFI) != 0 ? gsts | GSTS_CFIS : gsts & ~GSTS_CFIS;
    gsts = (cmd & GCMD_QIE) != 0 ? gsts | GSTS_QIES : gsts & ~GSTS_QIES;
  }

  private void faultEventControl(int value) {
    boolean masked = (value & FECTL_IM) != 0;
    fectl = (fectl & FECTL_IP) | (masked ? FECTL_IM : 0);
    if (!masked && (fectl & FECTL_IP) != 0) {
      sendFaultEvent();
    }
  }

  /** FSTS as read: PPF is the OR of the records' F bits, FRI the first record with F set. */
  private int faultStatus() {
    int s = fsts;
    for (int i = 0; i < numFaultRecords; i++) {
      int r = (nextRecord + i) % numFaultRecords;
      if ((frcdHigh[r] >>> 63) != 0) {
        return s | FSTS_PPF | (r << 8);
      }
    }
    return s;
  }

  private boolean primaryFaultPending() {
    return (faultStatus() & FSTS_PPF) != 0;
  }

  /** Clearing the last pending condition also clears a pending (masked) event. */
  private void afterFaultCleared() {
    if (!primaryFaultPending() && (fsts & FSTS_PFO) == 0) {
      fectl &= ~FECTL_IP;
    }
  }

  // ---- translation ----

  /** Whether translation is on (GSTS.IRES). */
  public boolean remappingEnabled() {
    return (gsts & GSTS_IRES) != 0;
  }

  public boolean compatibilityFormatAllowed() {
    return (gsts & GSTS_CFIS) != 0;
  }

  public long tableBase() {
    return tableBase;
  }

  public int tableEntries() {
    return tableEntries;
  }

  @Override
  public long remap(int requesterId, long address, int data) {
    if ((gsts & GSTS_IRES) == 0) {
      return compatible(address, data);
    }
    if (!RemappableFormat.isRemappable(address)) {
      if ((gsts & GSTS_CFIS) != 0) {
        return compatible(address, data);
      }
      return fault(IrFaultReason.COMPATIBILITY_BLOCKED, requesterId, 0, address, data, false);
    }
    int index = RemappableFormat.handle(address);
    if (RemappableFormat.subhandleValid(address)) {
      if ((data & RemappableFormat.DATA_RESERVED) != 0) {
        return fault(IrFaultReason.REQUEST_RESERVED, requesterId, index, address, data, false);
      }
      index += RemappableFormat.subhandle(data);
    }
    if (index >= tableEntries) {
      return fault(IrFaultReason.INDEX_BEYOND_TABLE, requesterId, index, address, data, false);
    }
    long at = tableBase + (long) index * 16;
    long low = memory.dmaRead64(at);
    long high = memory.dmaRead64(at + 8);
    boolean fpd = (low & 2) != 0;
    if ((low & 1) == 0) {
      return fault(IrFaultReason.ENTRY_NOT_PRESENT, requesterId, index, address, data, fpd);
    }
    if (Irte.reservedBitsSet(low, high, x2apic)) {
      return fault(IrFaultReason.ENTRY_RESERVED, requesterId, index, address, data, fpd);
    }
    // The fields are read from the two quadwords as the unit reads them (the layout in Irte):
    // no entry object per interrupt.
    if (!Irte.verifies(high, requesterId)) {
      return fault(IrFaultReason.SOURCE_ID_MISMATCH, requesterId, index, address, data, fpd);
    }
    int deliveryMode = (int) ((low >>> 5) & 7);
    if (deliveryMode != Irte.DLM_FIXED && deliveryMode != Irte.DLM_LOWEST_PRIORITY) {
      bus.reportDropped(requesterId, address, data, "IRTE " + index + ": delivery mode " + deliveryMode
          + " is not modelled");
      return BLOCKED;
    }
    translated++;
    int vector = (int) ((low >>> 16) & 0xff);
    int destId = (int) (low >>> 32);
    if (x2apic) {
      // Extended interrupt mode: DST is a 32-bit x2APIC id, logical when DM is set.
      return InterruptRemapper.target(destId, vector, (low & 4) != 0);
    }
    return InterruptRemapper.target((destId >>> 8) & 0xff, vector, false);
  }

  private static long compatible(long address, int data) {
    return InterruptRemapper.target(MsiMessage.destination(address), MsiMessage.vector(data), false);
  }

  /**
   * Blocks a request: tells the bus's observers, records a primary fault (unless the entry asked
   * for no fault processing) and raises the fault event when it is the first pending one.
   */
  private long fault(IrFaultReason reason, int requesterId, int index, long address, int data, boolean fpd) {
    blockedByReason[reason.code() - 0x20]++;
    bus.reportBlocked(requesterId, address, data, reason.code(), index);
    if (!fpd) {
      recordFault(reason.code(), requesterId, index);
    }
    return BLOCKED;
  }

  private void recordFault(int reason, int sourceId, int index) {
    if ((fsts & FSTS_PFO) != 0) {
      faultsLost++;
      return;
    }
    boolean wasPending = primaryFaultPending();
    int r = nextRecord;
    if ((frcdHigh[r] >>> 63) != 0) {
      // Every record is still unread: overflow, this fault is not logged.
      fsts |= FSTS_PFO;
      faultsLost++;
      return;
    }
    // Fault info bits 63:48 carry the interrupt index; the type bit (126) is 0 for interrupts.
    frcdLow[r] = (long) (index & 0xffff) << 48;
    frcdHigh[r] = (sourceId & 0xffffL) | ((long) (reason & 0xff) << 32) | (1L << 63);
    nextRecord = (r + 1) % numFaultRecords;
    if (!wasPending) {
      faultEvent();
    }
  }

  private void faultEvent() {
    if ((fectl & FECTL_IM) != 0) {
      fectl |= FECTL_IP;
    } else {
      sendFaultEvent();
    }
  }

  /** The fault event message goes straight to the APIC, never through the remapping table. */
  private void sendFaultEvent() {
    fectl &= ~FECTL_IP;
    bus.deliverUntranslated(OWN_SOURCE_ID, (feaddr & 0xffffffffL) | ((long) feuaddr << 32), fedata);
  }

  // ---- statistics ----

  public long translated() {
    return translated;
  }

  public long blocked(IrFaultReason reason) {
    return blockedByReason[reason.code() - 0x20];
  }

  public long blockedTotal() {
    long n = 0;
    for (long b : blockedByReason) {
      n += b;
    }
    return n;
  }

  /** Faults that found the records full (or PFO set) and were not logged. */
  public long faultsLost() {
    return faultsLost;
  }

  public int numFaultRecords() {
    return numFaultRecords;
  }

  public int faultRecordOffset() {
    return faultRecordOffset;
  }
}
