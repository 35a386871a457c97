package irqlab.kernel.x86;

import irqlab.hw.cpu.LocalApic;

/**
 * The APIC driver Linux installs (struct apic), reduced to how it names a destination: on an
 * xAPIC machine "physical flat" (arch/x86/kernel/apic/apic_flat_64.c: physical destination mode,
 * APIC ids up to 0xFE), on an x2APIC machine with remapping in x2APIC mode "cluster x2apic"
 * (arch/x86/kernel/apic/x2apic_cluster.c: logical destination mode, x2apic_calc_apicid returns the
 * CPU's logical x2APIC id, any 32-bit APIC id).
 */
public enum ApicDriver {
  PHYSICAL_FLAT("physical flat", false, 0xFE),
  CLUSTER_X2APIC("cluster x2apic", true, -1);

  private final String linuxName;
  private final boolean destModeLogical;
  private final int maxApicId;

  ApicDriver(String linuxName, boolean destModeLogical, int maxApicId) {
    this.linuxName = linuxName;
    this.destModeLogical = destModeLogical;
    this.maxApicId = maxApicId;
  }

  /** The driver of a machine whose highest APIC id is {@code maxApicId}: x2APIC above 0xFE. */
  public static ApicDriver forMaxApicId(int maxApicId) {
    return maxApicId > PHYSICAL_FLAT.maxApicId ? CLUSTER_X2APIC : PHYSICAL_FLAT;
  }

  /** The driver's name as "APIC: Switched APIC routing to: NAME" prints it. */
  public String linuxName() {
    return linuxName;
  }

  public boolean x2apic() {
    return this == CLUSTER_X2APIC;
  }

  /** apic->dest_mode_logical: the destination mode of every interrupt message Linux composes. */
  public boolean destModeLogical() {
    return destModeLogical;
  }

  /** apic_id_valid: whether the driver can address {@code apicId} (unsigned compare: UINT_MAX). */
  public boolean apicIdValid(int apicId) {
    return Integer.compareUnsigned(apicId, maxApicId) <= 0;
  }

  /** apic->calc_dest_apicid: the destination id naming one CPU, as irq_cfg.dest_apicid keeps it. */
  public int calcDestApicId(LocalApic apic) {
    return this == CLUSTER_X2APIC ? apic.x2apicLogicalId() : apic.apicId();
  }
}
