package irqlab.report;

import irqlab.sim.devices.Binding;
import irqlab.kernel.domain.IrqDomain;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.msi.MsiDeviceData;
import irqlab.kernel.msi.MsiDeviceDomain;
import irqlab.sim.Machine;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Links kernel objects back to the scenario: irq numbers to interrupt names, domains to devices. */
public final class MachineIndex {
  /** The device and MSI domain id (MSI_DEFAULT_DOMAIN 0, MSI_SECONDARY_DOMAIN 1) a domain serves. */
  public record Owner(String device, String bdf, int domainId) {}

  private final Map<Integer, String> irqNames = new TreeMap<>();
  private final Map<IrqDomain, Owner> owners = new LinkedHashMap<>();
  private final Map<IrqDomain, irqlab.sim.devices.VmdBinding> vmdDomains = new LinkedHashMap<>();

  public MachineIndex(Machine m) {
    for (Map.Entry<String, Integer> e : m.interruptNames().entrySet()) {
      irqNames.putIfAbsent(e.getValue(), e.getKey());
    }
    for (Binding b : m.bindings()) {
      MsiDeviceData data = b.pci().msiData();
      for (int id = 0; id < MsiDeviceData.MAX_DEVICE_IRQDOMAINS; id++) {
        MsiDeviceDomain dd = data.domain(id);
        // A global domain (a VMD's) belongs to no one device.
        if (dd != null && !dd.global()) {
          owners.put(dd.domain(), new Owner(b.id(), b.pci().devName(), id));
        }
      }
      if (b instanceof irqlab.sim.devices.VmdBinding v && v.vmdDriver() != null && v.vmdDriver().irqDomain() != null) {
        vmdDomains.put(v.vmdDriver().irqDomain(), v);
      }
    }
  }

  /** The VMD whose VMD-MSI domain (or MSI parent domain) {@code d} is, or null. */
  public irqlab.sim.devices.VmdBinding vmdOf(IrqDomain d) {
    return d == null ? null : vmdDomains.get(d);
  }

  /** The scenario name of {@code irq} ("nic0/msix/3"), or null. */
  public String nameOf(int irq) {
    return irqNames.get(irq);
  }

  Map<Integer, String> irqNames() {
    return irqNames;
  }

  public Owner ownerOf(IrqDomain d) {
    return d == null ? null : owners.get(d);
  }

  /** The MSI domain id of the interrupt's outermost domain, or -1 when it is no device MSI domain. */
  int domainIdOf(IrqDesc d) {
    Owner o = ownerOf(d.data().domain());
    if (o == null && d.data().chipData() instanceof irqlab.kernel.msi.MsiChipData c && c.msiDeviceDomain() != null) {
      return c.msiDeviceDomain().id(); // a global domain's interrupt (a VMD child)
    }
    return o == null ? -1 : o.domainId();
  }

  /** "irq 24 nic0/msix/0 (nic0-TxRx-0)", as compact as the facts allow. */
  public String describe(IrqDesc d) {
    StringBuilder sb = new StringBuilder("irq ").append(d.irq());
    String n = nameOf(d.irq());
    if (n != null) {
      sb.append(' ').append(n);
    }
    if (d.action() != null) {
      sb.append(" (").append(d.action().name()).append(')');
    }
    return sb.toString();
  }
}
