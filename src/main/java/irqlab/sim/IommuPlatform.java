package irqlab.sim;

import irqlab.exec.Exec;
import irqlab.hw.PlatformBus;
import irqlab.hw.iommu.InterruptRemappingUnit;
import irqlab.hw.iommu.TableMemory;
import irqlab.kernel.iommu.IommuOptions;
import irqlab.scenario.MachineSpec;

/**
 * The IOMMU part of a machine: with {@code remapping: intel} a VT-d interrupt remapping unit
 * sits on the platform bus between the devices and the APICs, and the kernel boots with remapping
 * on; vfio's allow_unsafe_interrupts comes from the scenario either way. On a machine with a
 * chipset (and so ACPI) the DMAR fault interrupt comes after the ACPI SCI, as Linux boots.
 */
final class IommuPlatform {
  private IommuPlatform() {}

  static IommuOptions build(MachineSpec spec, Exec exec, PlatformBus bus) {
    InterruptRemappingUnit unit = null;
    if ("intel".equals(spec.remapping())) {
      unit = new InterruptRemappingUnit(exec, bus, new TableMemory(exec), spec.x2apic());
      bus.setRemapper(unit);
    }
    return new IommuOptions(unit, spec.allowUnsafeInterrupts(), spec.hasChipset());
  }
}
