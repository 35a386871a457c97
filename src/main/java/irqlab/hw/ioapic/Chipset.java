package irqlab.hw.ioapic;

import irqlab.exec.Exec;
import irqlab.hw.PlatformBus;
import irqlab.hw.pci.Bdf;
import irqlab.hw.pci.IntxSink;
import irqlab.hw.pci.PciFunction;

/**
 * The legacy interrupt side of QEMU's q35 (ICH9) or pc (i440fx/PIIX3) machine: the IO-APIC, the
 * PCI interrupt router that ties each function's INTA# to an IO-APIC input, and the firmware
 * tables that describe both. EOIs of level-triggered vectors are broadcast to the IO-APIC.
 */
public final class Chipset {
  /** QEMU's q35 DMAR table gives the IO-APIC source id ff:00.0. */
  public static final int IOAPIC_SOURCE_ID = 0xff00;
  /**
   * pc: the PIIX3 link each pirq goes to, as Linux's ACPI link allocation set them on the
   * reference pc guest (LNKA 5, LNKB 10, LNKC 11, LNKD 10: e1000 at slot 2 on 10, virtio-net at
   * slots 3 and 4 on 11 and 10).
   */
  private static final int[] PIIX_LINK_IRQ = {5, 10, 11, 10};

  private final String kind;
  private final IoApic ioapic;
  private final Firmware firmware;

  public Chipset(Exec exec, PlatformBus bus, String kind) {
    this.kind = kind;
    this.ioapic = new IoApic(exec, bus, 0, IOAPIC_SOURCE_ID);
    this.firmware = new Firmware(kind, 0, kind.equals("q35") ? Chipset::q35Route : Chipset::piixRoute);
    bus.setEoiBroadcast(ioapic::eoi);
  }

  public String kind() {
    return kind;
  }

  public IoApic ioapic() {
    return ioapic;
  }

  public Firmware firmware() {
    return firmware;
  }

  /**
   * q35 (QEMU's build_q35_routing_table): slots below 0x18 on PIRQ E..H, (slot + pin) mod 4,
   * which in APIC mode are GSIs 20..23; slot 0x1f (and the other ICH9 slots) on PIRQ A..D,
   * GSIs 16..19.
   */
  static int q35Route(Bdf bdf, int pin) {
    int p = (bdf.device() + pin - 1) & 3;
    return bdf.bus() == 0 && bdf.device() < 0x18 ? 20 + p : 16 + ((pin - 1) & 3);
  }

  /** The GSI pin {@code pin} (1 = INTA#) of {@code bdf} reaches on a {@code kind} chipset. */
  public static int route(String kind, Bdf bdf, int pin) {
    return kind.equals("q35") ? q35Route(bdf, pin) : piixRoute(bdf, pin);
  }

  /** pc: PIIX3 pirq (slot - 1 + pin) mod 4, then the link's ISA IRQ. */
  static int piixRoute(Bdf bdf, int pin) {
    return PIIX_LINK_IRQ[(bdf.device() - 1 + pin - 1) & 3];
  }

  /** Wires {@code fn}'s INTA# to the IO-APIC input its route gives. */
  public void wire(PciFunction fn) {
    int gsi = firmware.gsiOf(fn.bdf(), 1);
    fn.wireIntx(sink(gsi));
  }

  private IntxSink sink(int gsi) {
    return (fn, asserted) -> ioapic.setLevel(gsi, asserted);
  }
}
