package irqlab.hw.pci;

import irqlab.exec.Access;
import irqlab.exec.Exec;
import irqlab.exec.Resource;
import irqlab.hw.PlatformBus;

/**
 * One PCI function: config space, its BAR memory and the MSI-X logic that turns a device's
 * request to signal entry N into a memory write. State lives only in registers: the entry is read
 * at the moment the device signals, so a half-updated entry is what the device sends.
 */
public class PciFunction {
  public static final int MSIX_CAP_OFFSET = 0x40;
  /** The MSI capability follows MSI-X in the capability list (or heads it without MSI-X). */
  public static final int MSI_CAP_OFFSET = 0x50;
  public static final int MSIX_BAR = 0;
  public static final int DEVICE_BAR = 2;

  protected final Exec exec;
  private final Bdf bdf;
  /** Where its messages go: the platform bus unless the function sits behind a VMD. */
  private Upstream upstream;
  private final ConfigSpace config = new ConfigSpace();
  private final int msixTableSize;
  /** Config offset of the MSI-X capability. */
  private final int msixCap;
  private final int[] msixTable;
  private final long[] pba;
  private final int pbaOffset;
  private final MsiCapability msi;
  /** Config space: the MSI capability is one conflict unit (the device reads it whole), else dwords. */
  private final Resource configResource;
  /** BAR 0: the MSI-X table, one unit per entry, then the PBA. */
  private final Resource msixResource;
  private final Resource[] barResources = new Resource[6];
  private long messagesSent;
  private long messagesHeldPending;
  private Runnable[] routingWatches = new Runnable[0];
  /** Where INTA# goes, or null while nothing is wired (then the function has no pin). */
  private IntxSink intxSink;
  private boolean intxOut;

  public PciFunction(Exec exec, PlatformBus bus, Bdf bdf, int vendor, int deviceId, int msixTableSize) {
    this(exec, bus, bdf, vendor, deviceId, msixTableSize, null);
  }

  /** A function with an MSI-X table of {@code msixTableSize} entries (0: none) and, unless null, MSI. */
  public PciFunction(Exec exec, PlatformBus bus, Bdf bdf, int vendor, int deviceId, int msixTableSize,
      MsiShape msiShape) {
    this(exec, bus, bdf, vendor, deviceId, msixTableSize, msiShape, MSIX_CAP_OFFSET);
  }

  /**
   * The same with the MSI-X capability at config offset {@code msixCapOffset} (a device whose
   * vendor registers take 0x40, as a VMD's VMCAP and VMCONFIG do).
   */
  protected PciFunction(Exec exec, PlatformBus bus, Bdf bdf, int vendor, int deviceId, int msixTableSize,
      MsiShape msiShape, int msixCapOffset) {
    this.msixCap = msixCapOffset;
    this.exec = exec;
    this.upstream = bus::memoryWrite;
    this.bdf = bdf;
    this.msixTableSize = msixTableSize;
    this.msixTable = new int[msixTableSize * 4];
    this.pba = new long[(msixTableSize + 63) / 64];
    // The PBA follows the table on the next 4 KiB boundary, as most devices lay it out.
    this.pbaOffset = ((msixTableSize * MsixCapability.ENTRY_SIZE + 0xfff) / 0x1000) * 0x1000;
    config.write16(ConfigSpace.VENDOR_ID, vendor);
    config.write16(ConfigSpace.VENDOR_ID + 2, deviceId);
    if (msixTableSize > 0) {
      config.write16(ConfigSpace.STATUS, ConfigSpace.STATUS_CAP_LIST);
      config.write8(ConfigSpace.CAPABILITY_LIST, msixCap);
      config.write8(msixCap, MsixCapability.CAP_ID);
      config.write8(msixCap + 1, 0);
      config.write16(msixCap + MsixCapability.FLAGS, msixTableSize - 1);
      config.write32(msixCap + MsixCapability.TABLE, MSIX_BAR);
      config.write32(msixCap + MsixCapability.PBA, pbaOffset | MSIX_BAR);
      for (int i = 0; i < msixTableSize; i++) {
        msixTable[i * 4 + 3] = MsixCapability.ENTRY_CTRL_MASKBIT; // entries come out of reset masked
      }
    }
    if (msiShape != null) {
      config.write16(ConfigSpace.STATUS, ConfigSpace.STATUS_CAP_LIST);
      config.write8(msixTableSize > 0 ? msixCap + 1 : ConfigSpace.CAPABILITY_LIST, MSI_CAP_OFFSET);
      msi = new MsiCapability(config, MSI_CAP_OFFSET, 0, msiShape, this::sendMessage);
    } else {
      msi = null;
    }
    this.configResource = Resource.of(bdf + " config",
        off -> msi != null && msi.covers((int) off) ? MSI_CAP_OFFSET : off >>> 2, this::configName);
    this.msixResource = Resource.of(bdf + " msix", this::msixUnit, this::msixName);
  }

  private String configName(long off) {
    if (msi != null && msi.covers((int) off)) {
      return "msi" + msi.registerName((int) off - MSI_CAP_OFFSET);
    }
    if (msixTableSize > 0 && off == MSIX_CAP_OFFSET + MsixCapability.FLAGS) {
      return "msix.control";
    }
    return String.format("cfg[0x%02x]", off);
  }

  private long msixUnit(long off) {
    return off < (long) msixTableSize * MsixCapability.ENTRY_SIZE ? off >>> 4 : (1L << 32) + ((off - pbaOffset) >>> 3);
  }

  private String msixName(long off) {
    if (off < (long) msixTableSize * MsixCapability.ENTRY_SIZE) {
      String[] words = {"addr_lo", "addr_hi", "data", "ctrl"};
      return "msix[" + (off >>> 4) + "]." + words[(int) (off >>> 2) & 3];
    }
    return "pba[" + ((off - pbaOffset) >>> 3) + "]";
  }

  /** The resource of BAR {@code bar}'s registers: the MSI-X table for BAR 0, else the device's. */
  public final Resource barResource(int bar) {
    if (bar == MSIX_BAR) {
      return msixResource;
    }
    Resource r = barResources[bar];
    if (r == null) {
      r = barResources[bar] = newBarResource(bar);
    }
    return r;
  }

  /** The config space resource (the MSI capability is one unit of it). */
  public final Resource configResource() {
    return configResource;
  }

  /** A device BAR's resource; devices override to name their registers and units. */
  protected Resource newBarResource(int bar) {
    return Resource.of(bdf + " bar" + bar, 2, null);
  }

  /**
   * Wires the function's INTA# to {@code sink} (a chipset does this for every PCI slot); the pin
   * register then reads 1 (INTA) and the line level follows the device's interrupt condition.
   */
  public void wireIntx(IntxSink sink) {
    this.intxSink = sink;
    config.write8(ConfigSpace.INTERRUPT_PIN, 1);
  }

  /**
   * Puts the function behind {@code u}: its messages go there instead of to the platform bus (a
   * function in a VMD's PCI domain).
   */
  public void setUpstream(Upstream u) {
    this.upstream = u;
  }

  /**
   * The class code register (PCI_CLASS_REVISION's upper 24 bits: base class, subclass,
   * programming interface), as the device reports it; pci_setup_device reads it into pdev->class.
   */
  public void setClassCode(int classCode) {
    config.write32(ConfigSpace.CLASS_REVISION, (classCode << 8) | (config.read8(ConfigSpace.CLASS_REVISION)));
  }

  /** The MSI capability, or null when the function has none. */
  public MsiCapability msi() {
    return msi;
  }

  public Bdf bdf() {
    return bdf;
  }

  public int requesterId() {
    return bdf.requesterId();
  }

  public int msixTableSize() {
    return msixTableSize;
  }

  // ---- accessors used by the kernel: every one is a scheduling point ----

  public int configRead16(int off) {
    exec.point("cfg read", configResource, off, Access.READ);
    int v = config.read16(off);
    exec.traceValue(v);
    return v;
  }

  public int configRead32(int off) {
    exec.point("cfg read", configResource, off, Access.READ);
    int v = config.read32(off);
    exec.traceValue(v & 0xffffffffL);
    return v;
  }

  public int configRead8(int off) {
    exec.point("cfg read", configResource, off, Access.READ);
    int v = config.read8(off);
    exec.traceValue(v);
    return v;
  }

  public void configWrite16(int off, int value) {
    exec.point("cfg write", configResource, off, Access.WRITE);
    exec.traceValue(value & 0xffff);
    if (msi != null && msi.covers(off)) {
      msi.write(off, 2, value);
      routingChanged();
      updateIntx();
      return;
    }
    int before = config.read16(off);
    config.write16(off, value);
    if (off == msixCap + MsixCapability.FLAGS && msixTableSize > 0) {
      msixControlWritten(before, value);
      routingChanged();
    }
    updateIntx();
  }

  /** A 32-bit config write: one access, so address and data words of MSI change separately. */
  public void configWrite32(int off, int value) {
    exec.point("cfg write", configResource, off, Access.WRITE);
    exec.traceValue(value & 0xffffffffL);
    if (msi != null && msi.covers(off)) {
      msi.write(off, 4, value);
      routingChanged();
      return;
    }
    config.write32(off, value);
  }

  public int mmioRead32(int bar, int off) {
    exec.point("mmio read", barResource(bar), off, Access.READ);
    int v = bar == MSIX_BAR ? msixBarRead(off) : deviceRegisterRead(bar, off);
    exec.traceValue(v & 0xffffffffL);
    return v;
  }

  public void mmioWrite32(int bar, int off, int value) {
    exec.point("mmio write", barResource(bar), off, Access.WRITE);
    exec.traceValue(value & 0xffffffffL);
    if (bar == MSIX_BAR) {
      msixBarWrite(off, value);
    } else {
      deviceRegisterWrite(bar, off, value);
    }
  }

  /** Registers of the device's own BARs; devices override. */
  protected int deviceRegisterRead(int bar, int off) {
    return 0;
  }

  protected void deviceRegisterWrite(int bar, int off, int value) {}

  // ---- MSI-X logic ----

  private int msixBarRead(int off) {
    if (off < msixTableSize * MsixCapability.ENTRY_SIZE) {
      return msixTable[off >>> 2];
    }
    int p = off - pbaOffset;
    if (p >= 0 && p < pba.length * 8) {
      long word = pba[p >>> 3];
      return (p & 4) == 0 ? (int) word : (int) (word >>> 32);
    }
    return 0;
  }

  private void msixBarWrite(int off, int value) {
    if (off >= msixTableSize * MsixCapability.ENTRY_SIZE) {
      return; // the PBA is read-only
    }
    int word = off >>> 2;
    int before = msixTable[word];
    msixTable[word] = value;
    if ((word & 3) == 3
        && (before & MsixCapability.ENTRY_CTRL_MASKBIT) != 0
        && (value & MsixCapability.ENTRY_CTRL_MASKBIT) == 0) {
      releasePending(word >>> 2);
    }
    if ((word & 3) == 3 && before != value) {
      routingChanged();
    }
  }

  private void msixControlWritten(int before, int after) {
    boolean wasBlocked = (before & MsixCapability.FLAGS_ENABLE) == 0 || (before & MsixCapability.FLAGS_MASKALL) != 0;
    boolean blocked = (after & MsixCapability.FLAGS_ENABLE) == 0 || (after & MsixCapability.FLAGS_MASKALL) != 0;
    if (wasBlocked && !blocked) {
      for (int e = 0; e < msixTableSize; e++) {
        releasePending(e);
      }
    }
  }

  /** Without an MSI-X capability the bytes at its offset are other registers: never enabled. */
  public boolean msixEnabled() {
    return msixTableSize > 0
        && (config.read16(msixCap + MsixCapability.FLAGS) & MsixCapability.FLAGS_ENABLE) != 0;
  }

  public boolean msixFunctionMasked() {
    return msixTableSize > 0
        && (config.read16(msixCap + MsixCapability.FLAGS) & MsixCapability.FLAGS_MASKALL) != 0;
  }

  public boolean entryMasked(int entry) {
    return (msixTable[entry * 4 + 3] & MsixCapability.ENTRY_CTRL_MASKBIT) != 0;
  }

  public boolean pbaPending(int entry) {
    return (pba[entry >>> 6] & (1L << entry)) != 0;
  }

  /** The message entry {@code entry} would send now: {address, data}. */
  public long entryAddress(int entry) {
    return (msixTable[entry * 4] & 0xffffffffL) | ((long) msixTable[entry * 4 + 1] << 32);
  }

  public int entryData(int entry) {
    return msixTable[entry * 4 + 2];
  }

  private void releasePending(int entry) {
    if (pbaPending(entry) && !entryMasked(entry) && msixEnabled() && !msixFunctionMasked()) {
      pba[entry >>> 6] &= ~(1L << entry);
      send(entry);
    }
  }

  /**
   * The device asks to signal MSI-X entry {@code entry}. Masked: the PBA bit latches and the
   * message goes out on unmask. Returns false when MSI-X is off and nothing can be signalled.
   */
  public boolean signalMsix(int entry) {
    exec.point("device signal", msixResource, (long) entry * MsixCapability.ENTRY_SIZE, Access.READ);
    if (entry >= msixTableSize || !msixEnabled()) {
      return false;
    }
    if (msixFunctionMasked() || entryMasked(entry)) {
      pba[entry >>> 6] |= 1L << entry;
      messagesHeldPending++;
      return true;
    }
    send(entry);
    return true;
  }

  /**
   * What {@link #signal} would do with interrupt {@code n} now, changing nothing: send it, hold it
   * (masked: its pending bit latches) or drop it (MSI-X and MSI off).
   */
  public MsiCapability.Outcome signalOutcome(int n) {
    if (msi != null && !msixEnabled()) {
      return msi.outcome(n);
    }
    if (n >= msixTableSize || !msixEnabled()) {
      return MsiCapability.Outcome.OFF;
    }
    return msixFunctionMasked() || entryMasked(n) ? MsiCapability.Outcome.HELD : MsiCapability.Outcome.SENT;
  }

  /**
   * {@code count} more signals of interrupt {@code n} were held while it was masked, its pending
   * bit already latched: a source that kept asserting a masked line, accounted afterwards without
   * an event per signal (the caller knows the line was masked meanwhile).
   */
  public void heldAgain(int n, long count) {
    if (count > 0) {
      messagesHeldPending += count;
    }
  }

  /**
   * Tells {@code watch} whenever something that decides what a signal does may have changed: an
   * MSI-X entry's vector control, the MSI-X or MSI capability, the device's own routing registers,
   * a reset. Hardware that stops trying while a line is masked uses this to learn it may resume.
   */
  public void watchRouting(Runnable watch) {
    routingWatches = java.util.Arrays.copyOf(routingWatches, routingWatches.length + 1);
    routingWatches[routingWatches.length - 1] = watch;
  }

  public void unwatchRouting(Runnable watch) {
    for (int i = 0; i < routingWatches.length; i++) {
      if (routingWatches[i] == watch) {
        Runnable[] w = new Runnable[routingWatches.length - 1];
        System.arraycopy(routingWatches, 0, w, 0, i);
        System.arraycopy(routingWatches, i + 1, w, i, w.length - i);
        routingWatches = w;
        return;
      }
    }
  }

  /** Runs the routing watches (a copy: a watch may remove itself). */
  protected final void routingChanged() {
    for (Runnable w : routingWatches) {
      w.run();
    }
  }

  /**
   * The device signals interrupt {@code n}: MSI-X entry n while MSI-X is on, else vector n of the
   * MSI block while MSI is on, else its INTx line (whose level follows {@link #intxCondition}).
   * Returns false when none of them can carry it.
   */
  public boolean signal(int n) {
    if (intxSink != null && !msixEnabled() && !msiEnabled()) {
      exec.point("device signal");
      updateIntx();
      return intxCondition() && !intxDisabled();
    }
    if (msi == null || msixEnabled()) {
      return signalMsix(n);
    }
    exec.point("device signal", configResource, MSI_CAP_OFFSET, Access.READ);
    switch (msi.signal(n)) {
      case HELD -> messagesHeldPending++;
      case OFF -> {
        return false;
      }
      default -> {}
    }
    return true;
  }

  public boolean msiEnabled() {
    return msi != null && msi.enabled();
  }

  // ---- INTx ----

  /**
   * The device's interrupt condition for INTx: whatever it would signal and has not been
   * serviced. Devices override; the line stays asserted as long as this holds.
   */
  protected boolean intxCondition() {
    return false;
  }

  /**
   * Whether a signal that {@link #signal} did not send simply left nothing to send: the function
   * signals on its INTx pin (no MSI or MSI-X on, the pin wired, INTx not disabled), whose level
   * follows the device's condition. Otherwise an unsent signal was dropped (MSI-X off).
   */
  public boolean signalsByLevel() {
    return intxSink != null && !msixEnabled() && !msiEnabled() && !intxDisabled();
  }

  private boolean intxDisabled() {
    return (config.read16(ConfigSpace.COMMAND) & ConfigSpace.COMMAND_INTX_DISABLE) != 0;
  }

  /**
   * Drives the pin from the condition: asserted while the device has an unserviced condition,
   * INTx is not disabled in the command register and neither MSI nor MSI-X is on. Devices call
   * this whenever their condition may have changed; the status register's interrupt bit shows
   * the condition whatever the pin does.
   */
  protected final void updateIntx() {
    if (intxSink == null) {
      return;
    }
    boolean cond = intxCondition();
    int status = config.read16(ConfigSpace.STATUS);
    config.write16(ConfigSpace.STATUS, cond ? status | ConfigSpace.STATUS_INTERRUPT
        : status & ~ConfigSpace.STATUS_INTERRUPT);
    boolean out = cond && !intxDisabled() && !msixEnabled() && !msiEnabled();
    if (out != intxOut) {
      intxOut = out;
      intxSink.level(this, out);
    }
  }

  /** Whether the function drives its INTx pin now. */
  public boolean intxAsserted() {
    return intxOut;
  }

  /** Whether the function holds a message for {@code n}: a PBA bit, or an MSI pending bit. */
  public boolean messagePending(int n) {
    if (intxSink != null && !msixEnabled() && !msiEnabled()) {
      return intxOut;
    }
    if (msi != null && !msixEnabled()) {
      return msi.pending(n & (msi.enabledVectors() - 1));
    }
    return n < msixTableSize && pbaPending(n);
  }

  private void sendMessage(long address, int data, int vector) {
    messagesSent++;
    upstream.memoryWrite(requesterId(), address, data, vector);
  }

  private void send(int entry) {
    messagesSent++;
    int base = entry * 4;
    long address = (msixTable[base] & 0xffffffffL) | ((long) msixTable[base + 1] << 32);
    upstream.memoryWrite(requesterId(), address, msixTable[base + 2], entry);
  }

  /** Function-level reset: MSI-X off, entries masked, pending bits gone. */
  public void reset() {
    config.write16(msixCap + MsixCapability.FLAGS, Math.max(0, msixTableSize - 1));
    for (int i = 0; i < msixTableSize; i++) {
      msixTable[i * 4] = 0;
      msixTable[i * 4 + 1] = 0;
      msixTable[i * 4 + 2] = 0;
      msixTable[i * 4 + 3] = MsixCapability.ENTRY_CTRL_MASKBIT;
    }
    java.util.Arrays.fill(pba, 0);
    if (msi != null) {
      msi.reset();
    }
    routingChanged();
    updateIntx();
  }

  public long messagesSent() {
    return messagesSent;
  }

  public long messagesHeldPending() {
    return messagesHeldPending;
  }

  /** Raw config space, for views such as lspci; not a scheduling point. */
  public int peekConfig16(int off) {
    return config.read16(off);
  }

  public int peekConfig32(int off) {
    return config.read32(off);
  }

  public int peekConfig8(int off) {
    return config.read8(off);
  }
}
