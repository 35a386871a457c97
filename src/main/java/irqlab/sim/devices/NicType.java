package irqlab.sim.devices;

import irqlab.hw.devices.QueueDevice;
import irqlab.hw.pci.Bdf;
import irqlab.hw.pci.MsiShape;
import irqlab.kernel.drivers.NicDriver;
import irqlab.kernel.drivers.VfioPciDriver;
import irqlab.kernel.pci.PciDev;
import irqlab.scenario.DeviceSpec;
import irqlab.scenario.DriverSpec;
import irqlab.scenario.Scenario;

/**
 * irqlab's generic queue devices: {@code nic} (MSI-X and/or MSI, driven by the ixgbe-like
 * {@link NicDriver} or assigned to a guest with vfio-pci) and {@code legacy-msi} (one plain MSI
 * without per-vector masking). Their drivers take the vectors the scenario's {@code vectors}
 * entry asks for.
 */
final class NicType implements DeviceType {
  private final String name;

  NicType(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  /** After the built-in Linux drivers: a driver module loaded later. */
  @Override
  public int initcall() {
    return DeviceTypes.GENERIC_INITCALL;
  }

  @Override
  public void checkDevice(DeviceSpec d, Scenario s) {
    if (d.hasIms()) {
      throw s.refuse(s.written(s.keyOf(d), "ims"),
          "ims belongs to accelerators; a " + d.type() + " has msi, msix, queues and behind");
    }
    if (d.type().equals("legacy-msi") && (d.hasMsix() || (d.hasMsi() && d.msi().maskable()))) {
      throw s.refuse(s.written(s.keyOf(d), "msix", "msi.maskable"),
          "a legacy-msi device has plain MSI without per-vector masking and no MSI-X;"
              + " use a nic for msix or maskable msi");
    }
  }

  @Override
  public void checkDriver(DriverSpec d, DeviceSpec device, Scenario s) {
    String kind = d.vectors().kind();
    if (!kind.equals("msix") && !kind.equals("msi") && !kind.equals("intx")) {
      throw s.refuse(s.keyOf(d) + ".vectors.kind",
          "vector kind '" + kind + "' is not modelled for a " + device.type() + "; expected msix, msi or intx");
    }
    if (kind.equals("intx") && !s.machine().hasChipset()) {
      throw s.refuse(s.keyOf(d) + ".vectors.kind",
          "vector kind 'intx' needs a chipset that routes INTx to an IO-APIC; set machine.chipset to q35 or i440fx");
    }
    if (kind.equals("intx") && device.behind() != null) {
      throw s.refuse(s.keyOf(d) + ".vectors.kind",
          "a device behind a VMD has no INTx line (the VMD routes MSI and MSI-X only); expected msix or msi");
    }
    if ("vfio".equals(d.driver()) && device.behind() != null) {
      throw s.refuse(s.keyOf(d) + ".driver",
          "a device behind a VMD does DMA with the VMD's requester id and cannot be assigned with vfio");
    }
    if ("vfio".equals(d.driver()) && !device.type().equals("nic")) {
      throw s.refuse(s.keyOf(d) + ".driver",
          "driver 'vfio' is modelled for nic devices only in this build");
    }
  }

  @Override
  public Binding build(DeviceSpec d, DriverSpec drv, BuildContext ctx) {
    MsiShape msi = d.hasMsi() ? new MsiShape(d.msi().vectors(), d.msi().maskable(), d.msi().address64()) : null;
    QueueDevice dev = new QueueDevice(ctx.exec(), ctx.bus(), Bdf.parse(d.bdf()), d.id(), d.type(), 0x8086, 0x10fb,
        d.queues(), d.hasMsix() ? d.msix().table() : 0, msi);
    dev.setObserver(ctx.work());
    dev.setClassCode(0x020000); // Ethernet controller
    PciDev pci = ctx.pciDev(dev);
    NicDriver driver = null;
    if (drv != null) {
      NicDriver.AffinityPolicy policy = switch (drv.vectors().affinity().kind()) {
        case MANAGED -> NicDriver.AffinityPolicy.MANAGED;
        case NONE -> NicDriver.AffinityPolicy.NONE;
        case CPUS -> NicDriver.AffinityPolicy.PINNED;
      };
      NicDriver.Kind kind = NicDriver.Kind.of(drv.vectors().kind());
      driver = "vfio".equals(drv.driver())
          ? new VfioPciDriver(ctx.kernel(), pci, d.id(), drv.vectors().min(), drv.vectors().max(), policy,
              drv.vectors().affinity().cpus(), kind)
          : new NicDriver(ctx.kernel(), pci, d.id(), drv.vectors().min(), drv.vectors().max(), policy,
              drv.vectors().affinity().cpus(), kind);
    }
    return new Binding(d, this, dev, pci, driver, ctx.kernel());
  }
}
