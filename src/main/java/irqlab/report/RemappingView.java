package irqlab.report;

import irqlab.hw.InterruptRemapper;
import irqlab.hw.iommu.InterruptRemappingUnit;
import irqlab.hw.iommu.IrFaultReason;
import irqlab.hw.iommu.Irte;
import irqlab.hw.iommu.RemappableFormat;
import irqlab.kernel.Kernel;
import irqlab.kernel.iommu.IntelIommu;
import irqlab.kernel.iommu.IntelIrData;
import irqlab.kernel.iommu.IntelIrDomain;
import irqlab.kernel.irq.IrqData;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.msi.MsiDesc;
import irqlab.sim.Machine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code show remapping}: the Intel IOMMU debugfs file ir_translation_struct as 6.12 prints it
 * (drivers/iommu/intel/debugfs.c ir_translation_struct_show, ir_tbl_remap_entry_show: every
 * present, non-posted entry of the table, read from memory), then irqlab's own lines: the unit's
 * state and counters and which interrupt each entry belongs to.
 */
public final class RemappingView {
  public static final String DEBUGFS_FILE = "/sys/kernel/debug/iommu/intel/ir_translation_struct";

  private RemappingView() {}

  public static String render(Machine m) {
    Kernel k = m.kernel();
    IntelIommu iommu = k.intelIommu();
    if (iommu == null) {
      return "no interrupt remapping on this machine (machine.remapping: none): " + DEBUGFS_FILE
          + " does not exist\n";
    }
    StringBuilder sb = new StringBuilder("==> ").append(DEBUGFS_FILE).append(" <==\n");
    sb.append(translationStruct(k));
    sb.append('\n').append(irqlabSection(m));
    return sb.toString();
  }

  /** The debugfs file, byte for byte in the kernel's layout. */
  public static String translationStruct(Kernel k) {
    IntelIommu iommu = k.intelIommu();
    IntelIrDomain ir = iommu.irDomain();
    StringBuilder sb = new StringBuilder();
    sb.append("Remapped Interrupt supported on IOMMU: ").append(iommu.name()).append('\n');
    sb.append(" IR table address:").append(Long.toHexString(iommu.tablePhys())).append('\n');
    sb.append(" Entry SrcID   DstID    Vct IRTE_high\t\tIRTE_low\n");
    for (int i = 0; i < IntelIommu.INTR_REMAP_TABLE_ENTRIES; i++) {
      long[] w = ir.peekTableWords(i);
      Irte e = Irte.decode(w[0], w[1]);
      if (!e.present() || e.posted()) {
        continue;
      }
      sb.append(String.format(" %-5d %02x:%02x.%01x %08x %02x  %016x\t%016x\n", i, e.sid() >>> 8,
          (e.sid() >>> 3) & 0x1f, e.sid() & 7, e.destId(), e.vector(), w[1], w[0]));
    }
    sb.append('\n');
    sb.append("****\n\n");
    return sb.toString();
  }

  private static final String[] SVT = {"no verification", "requester id", "bus range", "reserved"};
  private static final String[] SQ = {"all 16 bits", "ignore bit 2", "ignore bits 2:1", "ignore bits 2:0"};

  /**
   * For {@code show irq}: the interrupt's remapping table entry as the unit reads it (index,
   * vector, destination, source-id check) and the message its device holds; empty without
   * remapping.
   */
  static String irqLines(Kernel k, IrqDesc d) {
    IntelIommu iommu = k.intelIommu();
    IrqData level = iommu == null ? null : d.data().levelIn(iommu.irDomain().domain());
    if (level == null || !(level.chipData() instanceof IntelIrData data)) {
      return "";
    }
    Irte e = iommu.irDomain().peekTableEntry(data.entryIndex());
    StringBuilder sb = new StringBuilder();
    sb.append("  remapping:  IRTE ").append(data.entryIndex()).append(" (handle ").append(data.irteIndex())
        .append(", subhandle ").append(data.subHandle()).append(", block of ").append(1 << data.irteMask())
        .append("): ").append(e.present() ? "present" : "not present").append(", vector ").append(Fmt.hex(e.vector()))
        .append(", destination APIC id ").append(e.apicId(iommu.eim()))
        .append(String.format(" (dest_id 0x%08x)", e.destId())).append('\n');
    String sid = e.svt() == Irte.SVT_VERIFY_BUS
        ? String.format("buses %02x..%02x", e.sid() >>> 8, e.sid() & 0xff)
        : String.format("%02x:%02x.%x", e.sid() >>> 8, (e.sid() >>> 3) & 0x1f, e.sid() & 7);
    sb.append("  source-id:  SVT ").append(e.svt()).append(" (").append(SVT[e.svt()]).append("), SQ ").append(e.sq())
        .append(" (").append(SQ[e.sq()]).append("), SID ").append(sid).append('\n');
    if (d.msiDesc() instanceof MsiDesc md && md.msg() != null) {
      long addr = md.msg().address();
      sb.append("  device msg: ").append(md.msg()).append(RemappableFormat.isRemappable(addr)
          ? " (remappable: handle " + RemappableFormat.handle(addr)
              + (RemappableFormat.subhandleValid(addr) ? ", SHV" : "") + ")"
          : " (compatibility format)").append('\n');
    }
    return sb.toString();
  }

  /** The unit's state and counters, and the owner of every allocated entry. */
  static String irqlabSection(Machine m) {
    Kernel k = m.kernel();
    IntelIommu iommu = k.intelIommu();
    MachineIndex idx = new MachineIndex(m);
    StringBuilder sb = new StringBuilder("irqlab:\n");
    InterruptRemapper r = m.bus().remapper();
    if (r instanceof InterruptRemappingUnit u) {
      sb.append("  unit:       ").append(iommu.name()).append(", remapping ").append(u.remappingEnabled() ? "on" : "off")
          .append(", compatibility format ").append(u.compatibilityFormatAllowed() ? "allowed" : "blocked")
          .append(", ").append(u.tableEntries()).append(" entries at 0x").append(Long.toHexString(u.tableBase()))
          .append(", fault irq ").append(iommu.irq()).append('\n');
      sb.append("  translated: ").append(u.translated()).append('\n');
      List<String> blocked = new ArrayList<>();
      for (IrFaultReason reason : IrFaultReason.values()) {
        if (u.blocked(reason) != 0) {
          blocked.add(String.format("0x%02x %s: %d", reason.code(),
              reason.name().toLowerCase().replace('_', ' '), u.blocked(reason)));
        }
      }
      sb.append("  blocked:    ").append(u.blockedTotal())
          .append(blocked.isEmpty() ? "" : " (" + String.join(", ", blocked) + ")")
          .append("; faults not recorded (records full): ").append(u.faultsLost()).append('\n');
    }
    Map<Integer, String[]> owners = new TreeMap<>();
    k.descs().forEach(irq -> {
      IrqData d = k.descs().get(irq).data().levelIn(iommu.irDomain().domain());
      if (d != null && d.chipData() instanceof IntelIrData data) {
        String name = idx.nameOf(irq);
        owners.put(data.entryIndex(), new String[] {Integer.toString(irq), name == null ? "-" : name});
      }
    });
    List<String[]> rows = new ArrayList<>();
    for (Map.Entry<Integer, String[]> o : owners.entrySet()) {
      Irte e = iommu.irDomain().peekTableEntry(o.getKey());
      rows.add(new String[] {Integer.toString(o.getKey()), o.getValue()[0], o.getValue()[1],
        e.present() ? "yes" : "no", Integer.toString(e.svt()), Integer.toString(e.sq()),
        String.format("%02x:%02x.%x", e.sid() >>> 8, (e.sid() >>> 3) & 0x1f, e.sid() & 7),
        Fmt.hex(e.vector()), Integer.toString(e.apicId(iommu.eim()))});
    }
    sb.append("  entries:    ").append(iommu.irDomain().entriesAllocated()).append(" allocated\n");
    if (!rows.isEmpty()) {
      sb.append(Table.render(new String[] {"index", "irq", "name", "present", "SVT", "SQ", "SID", "vector", "APIC id"},
          rows, new boolean[] {true, true, false, false, true, true, false, false, true}));
    }
    return sb.toString();
  }
}
