package irqlab.kernel.drivers;

import irqlab.hw.devices.QueueDevice;
import irqlab.kernel.Errno;
import irqlab.kernel.Kernel;
import irqlab.kernel.KernelException;
import irqlab.kernel.irq.IrqAction;
import irqlab.kernel.irq.IrqReturn;
import irqlab.kernel.pci.PciDev;
import irqlab.kernel.pci.PciIntx;
import irqlab.kernel.pci.PciMsi;

/**
 * ahci (drivers/ata/ahci.c ahci_init_msi, libahci.c ahci_host_activate, Linux 6.12): a host with
 * several ports first asks for one vector per port (pci_alloc_irq_vectors(n_ports, INT_MAX,
 * MSI-X | MSI)); when that fails (the ICH9 has one MSI message without per-vector masking) it
 * takes a single MSI, then a single MSI-X vector, then INTx. Per-port vectors are requested as
 * {@code ahci0}..{@code ahciN} (the port's irq_desc); a single one as {@code ahci[<bdf>]},
 * shared, for every port. A queue of the device is a port.
 */
public final class AhciDriver extends PciDriver {
  private final int typeFlags;
  private boolean multi;
  private int ports;
  private String summary = "";

  /** {@code kind} (null: any) is the most capable interrupt type it may use. */
  public AhciDriver(Kernel k, PciDev dev, String name, String kind) {
    super(k, dev, name);
    this.typeFlags = NvmeDriver.allowedTypes(kind);
  }

  @Override
  public String probeSummary() {
    return summary;
  }

  /** ahci_init_one: ahci_init_msi, then ahci_host_activate. */
  @Override
  public void probe() {
    enableDevice();
    ports = reg(QueueDevice.REG_NUM_QUEUES);
    int nvec = initMsi();
    if (nvec < 0) {
      if (dev.irq() == 0) {
        throw new KernelException(Errno.ENODEV, name + ": no MSI, no MSI-X and no INTx line");
      }
      PciIntx.intx(dev, true);
      PciIntx.useLine(dev, true);
    }
    String hostName = "ahci[" + dev.devName() + "]";
    if (multi) {
      // ahci_host_activate_multi_irqs: port i on vector i.
      for (int p = 0; p < ports; p++) {
        setReg(QueueDevice.queueRegister(p, QueueDevice.REG_IVAR), QueueDevice.IVAR_VALID | p);
        int port = p;
        requestIrq(k.pciMsi().irqVector(dev, p), (irq, devId) -> servicePorts(port, port), 0, "ahci" + p, new Object());
      }
      summary = ports + " ports, one " + (dev.msiEnabled() ? "MSI" : "MSI-X") + " vector each";
    } else {
      // ata_host_activate: one shared interrupt for the host (ahci_single_level_irq_intr).
      for (int p = 0; p < ports; p++) {
        setReg(QueueDevice.queueRegister(p, QueueDevice.REG_IVAR), QueueDevice.IVAR_VALID);
      }
      int irq = dev.intxInUse() ? dev.irq() : k.pciMsi().irqVector(dev, 0);
      requestIrq(irq, (i, devId) -> servicePorts(0, ports - 1), IrqAction.IRQF_SHARED, hostName, this);
      summary = ports + " ports, " + (dev.intxInUse() ? "INTx" : dev.msiEnabled() ? "one MSI" : "one MSI-X vector");
    }
    setReg(QueueDevice.REG_CONTROL, QueueDevice.CONTROL_RUN);
    bound = true;
  }

  /** ahci_init_msi; the vectors got, or -1 for none (INTx). */
  private int initMsi() {
    multi = false;
    if (ports > 1 && (typeFlags & (PciMsi.PCI_IRQ_MSIX | PciMsi.PCI_IRQ_MSI)) != 0) {
      try {
        int n = k.pciMsi().allocIrqVectors(dev, ports, Integer.MAX_VALUE,
            typeFlags & (PciMsi.PCI_IRQ_MSIX | PciMsi.PCI_IRQ_MSI), null, null);
        multi = true;
        return n;
      } catch (KernelException e) {
        // Fewer messages than ports: single MSI mode.
      }
    }
    if ((typeFlags & PciMsi.PCI_IRQ_MSI) != 0) {
      try {
        return k.pciMsi().allocIrqVectors(dev, 1, 1, PciMsi.PCI_IRQ_MSI, null, null);
      } catch (KernelException e) {
        // next
      }
    }
    if ((typeFlags & PciMsi.PCI_IRQ_MSIX) != 0) {
      try {
        return k.pciMsi().allocIrqVectors(dev, 1, 1, PciMsi.PCI_IRQ_MSIX, null, null);
      } catch (KernelException e) {
        // INTx
      }
    }
    return -1;
  }

  /**
   * ahci_single_level_irq_intr reads HOST_IRQ_STAT and services the ports it shows (not ours when
   * none); ahci_multi_irqs_intr_hard services its port and always claims the interrupt.
   */
  private IrqReturn servicePorts(int from, int to) {
    boolean any = false;
    for (int p = from; p <= to; p++) {
      int off = QueueDevice.queueRegister(p, QueueDevice.REG_COMPLETIONS);
      int done = reg(off);
      if (done > 0) {
        setReg(off, done);
        any = true;
      }
    }
    return any || multi ? IrqReturn.HANDLED : IrqReturn.NONE;
  }

  /** ahci_remove_one: the host stops, its (devm) interrupts go, then the vectors. */
  @Override
  public void remove() {
    if (!bound) {
      throw new KernelException(Errno.ENODEV, name + " is not bound");
    }
    setReg(QueueDevice.REG_CONTROL, 0);
    for (int p = 0; p < ports; p++) {
      setReg(QueueDevice.queueRegister(p, QueueDevice.REG_IVAR), 0);
    }
    freeAllRequested();
    k.pciMsi().freeIrqVectors(dev);
    bound = false;
  }
}
