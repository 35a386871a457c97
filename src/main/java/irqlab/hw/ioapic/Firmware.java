package irqlab.hw.ioapic;

import irqlab.hw.pci.Bdf;
import java.util.function.ToIntBiFunction;

/**
 * What the platform's firmware tells the kernel about legacy interrupts (the ACPI MADT and _PRT
 * QEMU builds): one IO-APIC at {@link IoApic#BASE} with GSIs 0..23; ISA IRQ n on GSI n except the
 * timer's override (IRQ 0 on GSI 2); ISA IRQs 5, 9, 10, 11 level-triggered (QEMU's PCI IRQ mask,
 * the ACPI SCI among them), the others edge; and the GSI each PCI function's pin is routed to.
 *
 * @param chipset "q35" or "i440fx"
 * @param ioapicId the IO-APIC's APIC id
 * @param pciRouting (function, pin 1..4) to GSI
 */
public record Firmware(String chipset, int ioapicId, ToIntBiFunction<Bdf, Integer> pciRouting) {
  /** ISA IRQs QEMU's MADT declares level-triggered (pcms->pci_irq_mask and the SCI). */
  private static final int ISA_LEVEL_MASK = (1 << 5) | (1 << 9) | (1 << 10) | (1 << 11);

  /** The GSI of ISA IRQ {@code irq} (MADT interrupt source overrides). */
  public int isaGsi(int irq) {
    return irq == 0 ? 2 : irq;
  }

  /** The ISA IRQ on {@code gsi}, or -1 when no ISA IRQ is (GSI 0, and 16..23). */
  public int isaIrqOfGsi(int gsi) {
    if (gsi == 2) {
      return 0;
    }
    return gsi > 0 && gsi < 16 && gsi != 2 ? gsi : -1;
  }

  /** Whether ISA IRQ {@code irq} is level-triggered. */
  public boolean isaLevel(int irq) {
    return (ISA_LEVEL_MASK & (1 << irq)) != 0;
  }

  /** The GSI a function's INTx pin (1 = INTA) is routed to. */
  public int gsiOf(Bdf bdf, int pin) {
    return pciRouting.applyAsInt(bdf, pin);
  }
}
