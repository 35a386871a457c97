package irqlab.kernel.drivers;

import irqlab.hw.devices.QueueDevice;
import irqlab.kernel.Errno;
import irqlab.kernel.Kernel;
import irqlab.kernel.KernelException;
import irqlab.kernel.KernelTimer;
import irqlab.kernel.irq.IrqAction;
import irqlab.kernel.irq.IrqReturn;
import irqlab.kernel.pci.PciDev;
import irqlab.kernel.pci.PciIntx;
import irqlab.kernel.pci.PciMsi;

/**
 * e1000e (drivers/net/ethernet/intel/e1000e/netdev.c, Linux 6.12) on an 82574: probe takes exactly
 * three MSI-X vectors (rx, tx, other causes; e1000e_set_interrupt_capability, falling back to one
 * MSI, then INTx) and requests none: they sit in reservation mode until the interface opens.
 * ndo_open (e1000_request_irq) requests {@code ethN-rx-0}, {@code ethN-tx-0} and {@code ethN}
 * (or the single MSI or INTx interrupt {@code ethN}) and fires a link status change; ndo_stop
 * frees them and keeps the vectors. Queue 0 is the rx ring, 1 the tx ring, 2 the other causes
 * (link status), mapped to vectors by the IVAR register. The watchdog (armed by the link status
 * interrupt, then every 2 s while up) causes an rx interrupt each time, as the driver does.
 */
public final class E1000eDriver extends PciDriver implements NetDriver {
  /** The causes and their queue numbers on the device. */
  public static final int RX = 0;
  public static final int TX = 1;
  public static final int OTHER = 2;

  private enum Mode {
    MSIX,
    MSI,
    LEGACY
  }

  private final int typeFlags;
  private Mode mode;
  private int eth = -1;
  private boolean up;
  /** adapter->watchdog_timer, whose work (e1000_watchdog_task) kicks the rx ring every 2 s. */
  private final KernelTimer watchdog;
  private boolean linkReported;

  /** {@code kind} (null: MSI-X) is the IntMode module parameter: msix 2, msi 1, intx 0. */
  public E1000eDriver(Kernel k, PciDev dev, String name, String kind) {
    super(k, dev, name);
    this.typeFlags = NvmeDriver.allowedTypes(kind);
    this.watchdog = new KernelTimer(k, this::watchdogTask);
  }

  @Override
  public boolean up() {
    return up;
  }

  @Override
  public String ifname() {
    return eth < 0 ? null : "eth" + eth;
  }

  @Override
  public String probeSummary() {
    return ifname() + ", " + switch (mode) {
      case MSIX -> "3 MSI-X vectors, requested at open";
      case MSI -> "MSI, requested at open";
      case LEGACY -> "INTx, requested at open";
    };
  }

  // ---- probe ----

  /** e1000_probe: the device enabled, e1000_sw_init's interrupt capability, register_netdev. */
  @Override
  public void probe() {
    enableDevice();
    setInterruptCapability((typeFlags & PciMsi.PCI_IRQ_MSIX) != 0 ? Mode.MSIX
        : (typeFlags & PciMsi.PCI_IRQ_MSI) != 0 ? Mode.MSI : Mode.LEGACY);
    if (mode == Mode.LEGACY && dev.irq() == 0) {
      throw new KernelException(Errno.ENODEV, name + ": no MSI-X, no MSI and no INTx line");
    }
    eth = k.ida("eth").alloc();
    bound = true;
  }

  /**
   * e1000e_set_interrupt_capability: pci_enable_msix_range(3, 3); else pci_enable_msi; else
   * legacy ("Failed to initialize MSI-X interrupts.  Falling back to MSI interrupts.").
   */
  private void setInterruptCapability(Mode want) {
    mode = want;
    if (mode == Mode.MSIX) {
      try {
        k.pciMsi().allocIrqVectors(dev, 3, 3, PciMsi.PCI_IRQ_MSIX, null, null);
        return;
      } catch (KernelException e) {
        k.log().err(netdevPrefix() + "Failed to initialize MSI-X interrupts.  Falling back to MSI interrupts.");
        mode = Mode.MSI;
      }
    }
    if (mode == Mode.MSI) {
      try {
        k.pciMsi().allocIrqVectors(dev, 1, 1, PciMsi.PCI_IRQ_MSI, null, null);
        return;
      } catch (KernelException e) {
        k.log().err(netdevPrefix() + "Failed to initialize MSI interrupts.  Falling back to legacy interrupts.");
        mode = Mode.LEGACY;
      }
    }
  }

  /**
   * What e_err (netdev_err) puts in front (net/core/dev.c __netdev_printk): driver, PCI device,
   * then the interface name, or, at probe before register_netdev, netdev_name's "(unnamed
   * net_device)" with netdev_reg_state's " (uninitialized)".
   */
  private String netdevPrefix() {
    return "e1000e " + dev.devName() + " " + (bound ? ifname() : "(unnamed net_device) (uninitialized)") + ": ";
  }

  /** e1000e_reset_interrupt_capability. */
  private void resetInterruptCapability() {
    k.pciMsi().freeIrqVectors(dev);
    PciIntx.useLine(dev, false);
  }

  // ---- open / stop ----

  /**
   * e1000e_open: e1000_request_irq, whose failures fall back from MSI-X to MSI to INTx; the
   * interrupts are enabled and a link status change is triggered (e1000e_trigger_lsc), which the
   * other-causes interrupt reports.
   */
  @Override
  public void open() {
    if (!bound) {
      throw new KernelException(Errno.ENODEV, name + " is not bound");
    }
    if (up) {
      return;
    }
    requestIrqs();
    setReg(QueueDevice.REG_CONTROL, QueueDevice.CONTROL_RUN);
    up = true;
    // e1000e_trigger_lsc: ICS.LSC, which the device signals on the other-causes vector.
    setReg(QueueDevice.REG_CAUSE_SET, OTHER);
  }

  /** e1000_request_irq. */
  private void requestIrqs() {
    if (mode == Mode.MSIX) {
      try {
        requestMsix();
        return;
      } catch (KernelException e) {
        freeAllRequested();
        resetInterruptCapability();
        setInterruptCapability(Mode.MSI);
      }
    }
    if (mode == Mode.MSI) {
      try {
        pointAll(0);
        requestIrq(k.pciMsi().irqVector(dev, 0), (irq, devId) -> service(-1, true), 0, ifname(), this);
        return;
      } catch (KernelException e) {
        resetInterruptCapability();
        mode = Mode.LEGACY;
      }
    }
    PciIntx.useLine(dev, true);
    pointAll(0);
    requestIrq(dev.irq(), (irq, devId) -> service(-1, false), IrqAction.IRQF_SHARED, ifname(), this);
  }

  /** e1000_request_msix: rx, tx and other causes, then e1000_configure_msix programs the IVAR. */
  private void requestMsix() {
    requestIrq(k.pciMsi().irqVector(dev, 0), (irq, devId) -> service(RX, true), 0, ifname() + "-rx-0", this);
    requestIrq(k.pciMsi().irqVector(dev, 1), (irq, devId) -> service(TX, true), 0, ifname() + "-tx-0", this);
    requestIrq(k.pciMsi().irqVector(dev, 2), (irq, devId) -> service(OTHER, true), 0, ifname(), this);
    for (int cause = RX; cause <= OTHER; cause++) {
      setReg(QueueDevice.queueRegister(cause, QueueDevice.REG_IVAR), QueueDevice.IVAR_VALID | cause);
    }
  }

  /** One vector for every cause (MSI or INTx). */
  private void pointAll(int vector) {
    for (int cause = RX; cause <= OTHER; cause++) {
      setReg(QueueDevice.queueRegister(cause, QueueDevice.REG_IVAR), QueueDevice.IVAR_VALID | vector);
    }
  }

  /**
   * The handlers: e1000_intr_msix_rx / _tx and e1000_msix_other always claim the interrupt;
   * e1000_intr_msi reads ICR and claims it; e1000_intr (INTx, shared) claims it only when ICR
   * shows a cause. {@code cause} -1: every cause.
   */
  private IrqReturn service(int cause, boolean alwaysClaims) {
    boolean any = false;
    for (int c = cause < 0 ? RX : cause; c <= (cause < 0 ? OTHER : cause); c++) {
      int off = QueueDevice.queueRegister(c, QueueDevice.REG_COMPLETIONS);
      int done = reg(off);
      if (done > 0) {
        setReg(off, done);
        any = true;
        // e1000_msix_other / e1000_intr on a link status change: the watchdog runs next jiffy.
        if (c == OTHER && up) {
          watchdog.modTimer(KernelTimer.jiffies(k) + 1);
        }
      }
    }
    return any || alwaysClaims ? IrqReturn.HANDLED : IrqReturn.NONE;
  }

  /**
   * e1000_watchdog and e1000_watchdog_task: reports the link once it is up, causes a software
   * interrupt so that the rx ring is cleaned (ICS with the rx cause: the rx vector under MSI-X,
   * RXDMT0 on the single MSI or INTx interrupt) and rearms itself for round_jiffies(+2 s).
   */
  private void watchdogTask() {
    if (!up) {
      return;
    }
    if (!linkReported) {
      linkReported = true;
      k.log().info("e1000e " + dev.devName() + " " + ifname()
          + ": NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx");
    }
    setReg(QueueDevice.REG_CAUSE_SET, RX);
    watchdog.modTimer(KernelTimer.roundJiffies(k, KernelTimer.jiffies(k) + 2L * Kernel.HZ));
  }

  /** e1000e_close: the device is quiesced and the interrupts are freed; the vectors stay. */
  @Override
  public void stop() {
    if (!bound) {
      throw new KernelException(Errno.ENODEV, name + " is not bound");
    }
    if (!up) {
      return;
    }
    // e1000e_down: del_timer_sync(&adapter->watchdog_timer); the link goes down with it.
    watchdog.delTimer();
    linkReported = false;
    setReg(QueueDevice.REG_CONTROL, 0);
    for (int cause = RX; cause <= OTHER; cause++) {
      setReg(QueueDevice.queueRegister(cause, QueueDevice.REG_IVAR), 0);
    }
    freeAllRequested();
    up = false;
  }

  /** Traffic flows on the rx and tx rings while the interface is up. */
  public boolean carries() {
    return bound && up;
  }

  /** e1000_remove: closed first if up, then the interface and the vectors go. */
  @Override
  public void remove() {
    if (!bound) {
      throw new KernelException(Errno.ENODEV, name + " is not bound");
    }
    stop();
    k.ida("eth").free(eth);
    eth = -1;
    resetInterruptCapability();
    bound = false;
  }
}
