package irqlab.hw.devices;

import irqlab.exec.Exec;
import irqlab.hw.MsiMessage;
import irqlab.hw.PlatformBus;
import irqlab.hw.pci.Bdf;
import irqlab.hw.pci.Upstream;

/**
 * An Intel Volume Management Device: a PCI endpoint that owns a PCI domain of its own, whose
 * devices (typically NVMe SSDs) it puts behind root ports of that domain. Their MSI and MSI-X
 * writes never reach the APICs: VMD takes the destination field of the address (bits 19:12) as
 * an index into its own MSI-X table and signals that entry, ignoring the data (the message
 * drivers/pci/controller/vmd.c vmd_compose_msi_msg has children send: 0xFEE00000 | index << 12,
 * data 0). A part that can bypass (28C0) passes the children's writes through to the platform
 * instead, as its own requester, while VMCONFIG's MSI_REMAP bit (bit 1) is set.
 *
 * <p>No queues of its own: the device's work is its children's. Config registers: VMCAP at 0x40
 * (no bus restrictions) and VMCONFIG at 0x44, read at the moment a child writes.
 */
public final class VmdDevice extends QueueDevice {
  /** PCI_REG_VMCAP and PCI_REG_VMCONFIG (vmd.c). */
  public static final int VMCAP = 0x40;
  public static final int VMCONFIG = 0x44;
  /** VMD endpoints list their MSI-X capability at 0x80 (lspci: "Capabilities: [80] MSI-X"). */
  public static final int MSIX_CAP = 0x80;
  /** VMCONFIG_MSI_REMAP: set, the children's messages bypass the VMD's remapping. */
  public static final int VMCONFIG_MSI_REMAP = 0x2;
  /** PCI_DEVICE_ID_INTEL_VMD_201D (Sky Lake server), 28C0 (can bypass), 467F (a client part). */
  public static final int DEVICE_201D = 0x201d;
  public static final int DEVICE_28C0 = 0x28c0;
  public static final int DEVICE_467F = 0x467f;

  private final PlatformBus bus;
  private final boolean canBypass;
  private final Upstream children = this::childWrite;
  /** Child messages per MSI-X index the VMD signalled, and those it could not place. */
  private final long[] remapped;
  private long bypassed;
  private long dropped;

  public VmdDevice(Exec exec, PlatformBus bus, Bdf bdf, String id, int deviceId, int msixTable) {
    super(exec, bus, bdf, id, "vmd", 0x8086, deviceId, 0, msixTable, null, MSIX_CAP);
    this.bus = bus;
    this.canBypass = deviceId == DEVICE_28C0;
    this.remapped = new long[msixTable];
    // Class 0x010400: mass storage, RAID bus controller, as VMD endpoints report.
    setClassCode(0x010400);
  }

  /** Where the functions in the VMD's domain send their messages. */
  public Upstream children() {
    return children;
  }

  /** Whether the part honours VMCONFIG's MSI_REMAP bit (the 28C0, VMD_FEAT_CAN_BYPASS_MSI_REMAP). */
  public boolean canBypass() {
    return canBypass;
  }

  /** Whether the children's messages currently pass through (MSI_REMAP set on a part that can). */
  public boolean bypassing() {
    return canBypass && (peekConfig16(VMCONFIG) & VMCONFIG_MSI_REMAP) != 0;
  }

  private void childWrite(int requesterId, long address, int data, int source) {
    if (bypassing()) {
      bypassed++;
      // As the VMD's requester (what remapping checks), on behalf of the child and its entry.
      bus.forward(requesterId(), requesterId, address, data, source);
      return;
    }
    int index = MsiMessage.destination(address);
    if (!MsiMessage.isInterruptAddress(address) || index >= msixTableSize() || !signalMsix(index)) {
      dropped++;
      bus.reportDropped(requesterId, address, data, MsiMessage.isInterruptAddress(address)
          ? "VMD " + bdf() + " cannot signal MSI-X entry " + index
          : "not an interrupt address");
      return;
    }
    remapped[index]++;
  }

  /** Child messages the VMD turned into a signal of its MSI-X entry {@code index}. */
  public long remapped(int index) {
    return remapped[index];
  }

  public long bypassed() {
    return bypassed;
  }

  public long dropped() {
    return dropped;
  }
}
