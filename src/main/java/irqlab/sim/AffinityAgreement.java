package irqlab.sim;

import irqlab.hw.MsiMessage;
import irqlab.hw.ioapic.IoApic;
import irqlab.hw.iommu.Irte;
import irqlab.hw.iommu.RemappableFormat;
import irqlab.hw.pci.PciFunction;
import irqlab.kernel.Kernel;
import irqlab.kernel.cpu.CpuMask;
import irqlab.kernel.domain.BusToken;
import irqlab.kernel.irq.IrqData;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.irq.IrqdState;
import irqlab.kernel.msi.MsiDesc;
import irqlab.kernel.msi.MsiDeviceDomain;
import irqlab.kernel.pci.PciDev;
import irqlab.kernel.x86.ApicChipData;
import irqlab.kernel.x86.VectorDomain;
import java.util.ArrayList;
import java.util.List;

/**
 * The oracle's agreement invariant for PCI MSI and MSI-X interrupts and IO-APIC lines: whenever a line is started
 * and no move is in flight, its effective affinity, the VECTOR domain's target (CPU and vector,
 * and the irq_cfg messages are composed from) and the message the device holds (followed through
 * its remapping entry under remapping) name the same CPU and vector. Linux keeps them so; a line
 * where they differ is one /proc reports on a CPU its device does not interrupt.
 *
 * <p>A move is in flight while someone holds the line's descriptor lock: every affinity change
 * and message write (the ack-path move, fixup_irqs, request and free) happens under it, so in
 * explore mode a line another actor is changing is skipped. IMS lines are left out: their message
 * reaches the device later, through the device's command queue.
 */
final class AffinityAgreement {
  private AffinityAgreement() {}

  static List<String> check(Kernel k) {
    List<String> problems = new ArrayList<>();
    k.descs().forEach(irq -> {
      String p = checkLine(k, k.descs().get(irq));
      if (p != null) {
        problems.add(p);
      }
    });
    return problems;
  }

  /** The disagreement of one line, or null. */
  static String checkLine(Kernel k, IrqDesc desc) {
    IrqData top = desc.data();
    if (k.ioApic() != null && top.domain() == k.ioApic().domain()) {
      return checkIoApicLine(k, desc);
    }
    if (!(top.chipData() instanceof MsiDeviceDomain dd) || !(dd.device() instanceof PciDev pci)
        || !(desc.msiDesc() instanceof MsiDesc md)
        || (dd.template().busToken() != BusToken.PCI_DEVICE_MSI
            && dd.template().busToken() != BusToken.PCI_DEVICE_MSIX)) {
      return null;
    }
    if (!top.is(IrqdState.IRQ_STARTED) || desc.lock().isLocked()) {
      return null;
    }
    ApicChipData a = VectorDomain.apicChipData(top);
    if (a == null) {
      return null;
    }
    int targetApic = k.apicDriver().calcDestApicId(k.cpu(a.cpu()).apic());
    CpuMask eff = desc.effectiveAffinity();
    String where = "irq " + desc.irq() + " (" + pci.devName() + " " + (md.isMsix() ? "MSI-X " : "MSI ")
        + (md.isMsix() ? md.msiIndex() : desc.irq() - md.irq()) + ")";
    if (!eff.equals(k.cpumaskOf(a.cpu())) || a.cfgVector() != a.vector() || a.cfgDestApicId() != targetApic) {
      return where + ": effective affinity " + eff.toList() + " but the vector domain targets vector "
          + a.vector() + " on CPU " + a.cpu() + " (irq_cfg: vector " + a.cfgVector() + ", APIC id "
          + a.cfgDestApicId() + ")";
    }
    int[] reached = reached(k, pci.function(), md, desc.irq() - md.irq());
    if (reached == null || reached[0] != targetApic || reached[1] != a.vector()) {
      return where + ": started with effective affinity " + eff.toList() + " and vector " + a.vector()
          + " on CPU " + a.cpu() + ", but the device's message reaches "
          + (reached == null ? "no CPU" : "vector " + reached[1] + " at APIC id " + reached[0]);
    }
    return null;
  }

  /**
   * An IO-APIC line: the same agreement, with the message the IO-APIC sends for the pin (its
   * redirection entry: vector and destination, or under remapping the handle of the remapping
   * entry that holds them). A pending move (no remapping) changes the entry only when the next
   * interrupt carries it out, together with the vector domain's target, so it needs no exception.
   */
  private static String checkIoApicLine(Kernel k, IrqDesc desc) {
    IrqData top = desc.data();
    if (!top.is(IrqdState.IRQ_STARTED) || desc.lock().isLocked()) {
      return null;
    }
    ApicChipData a = VectorDomain.apicChipData(top);
    long e = k.ioApic().hardwareEntry(top);
    if (a == null || e < 0) {
      return null;
    }
    int targetApic = k.cpu(a.cpu()).apic().apicId();
    CpuMask eff = desc.effectiveAffinity();
    String where = "irq " + desc.irq() + " (IO-APIC pin " + top.hwirq() + ")";
    if (!eff.equals(k.cpumaskOf(a.cpu())) || a.cfgVector() != a.vector() || a.cfgDestApicId() != targetApic) {
      return where + ": effective affinity " + eff.toList() + " but the vector domain targets vector "
          + a.vector() + " on CPU " + a.cpu() + " (irq_cfg: vector " + a.cfgVector() + ", APIC id "
          + a.cfgDestApicId() + ")";
    }
    int[] reached;
    if ((e & IoApic.RTE_REMAPPABLE) != 0) {
      int handle = (int) ((e >>> 49) & 0x7fff) | (int) (((e >>> 11) & 1) << 15);
      Irte irte = k.intelIommu() == null ? null : k.intelIommu().irDomain().peekTableEntry(handle);
      reached = irte != null && irte.present() ? new int[] {irte.xapicDestination(), irte.vector()} : null;
    } else {
      reached = new int[] {(int) ((e >>> 56) & 0xff), (int) (e & IoApic.RTE_VECTOR)};
    }
    if (reached == null || reached[0] != targetApic || reached[1] != a.vector()) {
      return where + ": started with effective affinity " + eff.toList() + " and vector " + a.vector()
          + " on CPU " + a.cpu() + ", but the IO-APIC's entry reaches "
          + (reached == null ? "no CPU" : "vector " + reached[1] + " at APIC id " + reached[0]);
    }
    return null;
  }

  /**
   * The {APIC id, vector} the function's message for this line reaches now, read from the
   * hardware (MSI-X table entry, or MSI capability with the block member in the data's low bits),
   * through the remapping table when the message is in remappable format; null when it reaches
   * no CPU.
   */
  private static int[] reached(Kernel k, PciFunction fn, MsiDesc md, int member) {
    long address;
    int data;
    if (md.isMsix()) {
      address = fn.entryAddress(md.msiIndex());
      data = fn.entryData(md.msiIndex());
    } else {
      int n = Math.max(1, md.nvecUsed());
      address = fn.msi().address();
      data = (fn.msi().data() & ~(n - 1)) | member;
    }
    if (!MsiMessage.isInterruptAddress(address)) {
      return null;
    }
    if (!RemappableFormat.isRemappable(address)) {
      return new int[] {MsiMessage.destination(address), MsiMessage.vector(data)};
    }
    if (k.intelIommu() == null) {
      return null;
    }
    int index = RemappableFormat.handle(address)
        + (RemappableFormat.subhandleValid(address) ? RemappableFormat.subhandle(data) : 0);
    Irte e = k.intelIommu().irDomain().peekTableEntry(index);
    if (!e.present()) {
      return null;
    }
    // The destination as irq_cfg keeps it: an xAPIC id, or in x2APIC mode the DST field itself.
    return new int[] {k.intelIommu().eim() ? e.destId() : e.xapicDestination(), e.vector()};
  }
}
