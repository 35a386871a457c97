package irqlab.scenario;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The machine: CPU count, interrupt remapping, the kernel version (a named profile, default 6.12)
 * and kernel design variants. The extra {@link Loc}s
 * let later stages (the kernel knows which variants exist) point at the offending key; a key that
 * was left out carries the location of the {@code machine} mapping.
 */
public record MachineSpec(
    int cpus,
    String remapping,
    List<String> variants,
    boolean msixDynamic,
    Loc loc,
    Loc cpusLoc,
    Loc remappingLoc,
    Map<String, Loc> variantLocs,
    Loc msixDynamicLoc,
    boolean allowUnsafeInterrupts,
    Loc allowUnsafeInterruptsLoc,
    String chipset,
    Loc chipsetLoc,
    String kernelVersion,
    Loc kernelVersionLoc) {

  public static final List<String> REMAPPINGS = List.of("none", "intel");
  /** none: no IO-APIC, no INTx; q35 and i440fx bring the IO-APIC and the ISA lines of the dumps. */
  public static final List<String> CHIPSETS = List.of("none", "q35", "i440fx");
  /** machine.kernel.version when the key is left out: 6.12.117 as shipped. */
  public static final String DEFAULT_KERNEL_VERSION = "6.12";

  /**
   * CPUs an xAPIC machine can use (APIC id = CPU number): the xAPIC drivers' max_apic_id is 0xFE
   * (arch/x86/kernel/apic/apic_flat_64.c; 0xFF is the broadcast id), so CPU 255 and up need
   * x2APIC, which Linux enables on bare metal only with interrupt remapping in x2APIC mode
   * (arch/x86/kernel/apic/apic.c try_to_enable_x2apic).
   */
  public static final int MAX_XAPIC_CPUS = 255;

  public MachineSpec {
    variants = List.copyOf(variants);
    variantLocs = Collections.unmodifiableMap(new LinkedHashMap<>(variantLocs));
  }

  /** The spec without the vfio allow_unsafe_interrupts option (off, located at the machine). */
  public MachineSpec(int cpus, String remapping, List<String> variants, boolean msixDynamic, Loc loc,
      Loc cpusLoc, Loc remappingLoc, Map<String, Loc> variantLocs, Loc msixDynamicLoc) {
    this(cpus, remapping, variants, msixDynamic, loc, cpusLoc, remappingLoc, variantLocs, msixDynamicLoc,
        false, loc);
  }

  /** Whether the machine runs its APICs in x2APIC mode: more CPUs than xAPIC can address. */
  public boolean x2apic() {
    return cpus > MAX_XAPIC_CPUS;
  }

  /** Whether the machine has an IO-APIC and routes PCI INTx. */
  public boolean hasChipset() {
    return !chipset.equals("none");
  }

  /** The spec without a chipset and with the default kernel version (located at the machine). */
  public MachineSpec(int cpus, String remapping, List<String> variants, boolean msixDynamic, Loc loc,
      Loc cpusLoc, Loc remappingLoc, Map<String, Loc> variantLocs, Loc msixDynamicLoc,
      boolean allowUnsafeInterrupts, Loc allowUnsafeInterruptsLoc) {
    this(cpus, remapping, variants, msixDynamic, loc, cpusLoc, remappingLoc, variantLocs, msixDynamicLoc,
        allowUnsafeInterrupts, allowUnsafeInterruptsLoc, "none", loc, DEFAULT_KERNEL_VERSION, loc);
  }

  public boolean remappingEnabled() {
    return !remapping.equals("none");
  }
}
