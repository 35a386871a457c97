package irqlab.sim;

import irqlab.exec.Actor;
import irqlab.exec.Event;
import irqlab.exec.Exec;
import irqlab.hw.PlatformBus;
import irqlab.hw.devices.QueueDevice;
import irqlab.hw.cpu.Cpu;
import irqlab.hw.ioapic.Chipset;
import irqlab.hw.pci.Bdf;
import irqlab.kernel.Errno;
import irqlab.kernel.Kernel;
import irqlab.kernel.KernelException;
import irqlab.kernel.KernelProfile;
import irqlab.kernel.Variants;
import irqlab.kernel.drivers.IsaDrivers;
import irqlab.kernel.drivers.NetDriver;
import irqlab.kernel.drivers.NicDriver;
import irqlab.kernel.drivers.VfioPciDriver;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.irq.ProcIrq;
import irqlab.scenario.Action;
import irqlab.scenario.DeviceSpec;
import irqlab.scenario.DriverSpec;
import irqlab.scenario.Durations;
import irqlab.scenario.IrqName;
import irqlab.scenario.Scenario;
import irqlab.scenario.ScenarioException;
import irqlab.scenario.TimelineEntry;
import irqlab.sim.devices.Binding;
import irqlab.sim.devices.BuildContext;
import irqlab.sim.devices.DeviceType;
import irqlab.sim.devices.DeviceTypes;
import irqlab.sim.devices.ProbeOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A scenario made real on one runtime: CPUs, the platform bus, devices, a booted kernel and the
 * bound drivers, with the timeline queued as events. Drivers probe at time 0 on a kernel task
 * bound to CPU 0; timeline actions run on that task too; traffic runs on each device's actor.
 */
public final class Machine {
  private final Scenario scenario;
  private final Exec exec;
  private final List<Cpu> cpus = new ArrayList<>();
  private final PlatformBus bus;
  private final Kernel kernel;
  private final Oracle oracle;
  private final Map<String, Binding> bindings = new LinkedHashMap<>();
  private final Chipset chipset;
  private final Actor task;
  private final List<String> actionLog = new ArrayList<>();
  private final List<RunResult.IrqStat> retired = new ArrayList<>();
  private final Map<Integer, String> freeable = new java.util.HashMap<>();
  private final List<Probe> probes = new ArrayList<>();
  private final SplittableRandom trafficRandom;
  private long endOfTimeline;

  private Machine(Scenario scenario, Exec exec) {
    this.scenario = scenario;
    this.exec = exec;
    int n = scenario.machine().cpus();
    for (int i = 0; i < n; i++) {
      cpus.add(new Cpu(i, i));
    }
    this.bus = new PlatformBus(exec, cpus);
    this.kernel = new Kernel(exec, cpus, KernelProfile.named(scenario.machine().kernelVersion()),
        new Variants(scenario.machine().variants()), scenario.machine().msixDynamic(),
        IommuPlatform.build(scenario.machine(), exec, bus));
    this.oracle = new Oracle(exec);
    kernel.addObserver(oracle);
    kernel.addObserver(new FreeWatch());
    bus.addObserver(oracle);
    this.task = exec.newActor("kworker/0", Actor.Kind.TASK, 0);
    this.trafficRandom = new SplittableRandom(exec.random().nextLong());
    // A chipset's IO-APIC and ISA lines come up with the kernel, before any driver probes.
    this.chipset = scenario.machine().hasChipset() ? new Chipset(exec, bus, scenario.machine().chipset()) : null;
    if (chipset != null) {
      kernel.bootIoApic(chipset.firmware(), chipset.ioapic());
    }
    // Two passes: a device behind a VMD needs the VMD built first; bindings keep file order.
    Map<String, Binding> built = new java.util.HashMap<>();
    BuildContext ctx = new BuildContext(scenario, exec, bus, kernel, oracle, oracle, this::log, chipset, built::get);
    for (int pass = 0; pass < 2; pass++) {
      for (DeviceSpec d : scenario.devices()) {
        if ((d.behind() != null) != (pass == 1)) {
          continue;
        }
        Binding b = DeviceTypes.get(d.type()).build(d, scenario.driverFor(d.id()).orElse(null), ctx);
        if (d.behind() != null) {
          DeviceTypes.attachBehind(b, ctx);
        }
        built.put(d.id(), b);
      }
    }
    for (DeviceSpec d : scenario.devices()) {
      bindings.put(d.id(), built.get(d.id()));
    }
    oracle.watchRouting(kernel, this::bindings);
  }

  /**
   * Builds the machine for {@code scenario} on {@code exec}. Parts of the scenario contract this
   * build does not model yet are refused as bad input, at their location, before anything runs.
   */
  public static Machine build(Scenario scenario, Exec exec) {
    Unsupported.check(scenario);
    Machine m = new Machine(scenario, exec);
    m.queueTimeline();
    return m;
  }

  /**
   * The boot-time probe order: each driver, as it registers, binds the devices it matches in PCI
   * bus order, domain, bus and devfn ascending (driver_attach walks the bus's device list, which
   * PCI enumeration built in that order), and irq numbers follow. Different drivers go in the
   * order they register, which for built-in drivers is the kernel's link order; irqlab's drivers
   * have none, so a driver registers where its first entry in {@code drivers:} stands. Devices
   * without a driver follow, unprobed. Returns device ids.
   */
  static List<String> probeOrder(Scenario s) {
    List<String> driverOrder = new ArrayList<>();
    for (DriverSpec d : s.drivers()) {
      String drv = driverName(s, d);
      if (!driverOrder.contains(drv)) {
        driverOrder.add(drv);
      }
    }
    List<DeviceSpec> devices = new ArrayList<>(s.devices());
    java.util.Comparator<DeviceSpec> byDriver = java.util.Comparator.comparingInt(d -> s.driverFor(d.id())
        .map(drv -> driverOrder.indexOf(driverName(s, drv))).orElse(driverOrder.size()));
    java.util.Comparator<DeviceSpec> byBus = java.util.Comparator.comparing(d -> Bdf.parse(d.bdf()),
        java.util.Comparator.comparingInt(Bdf::domain).thenComparingInt(Bdf::bus)
            .thenComparingInt(b -> b.requesterId() & 0xff));
    devices.sort(byDriver.thenComparing(byBus));
    List<String> ids = new ArrayList<>();
    devices.forEach(d -> ids.add(d.id()));
    return ids;
  }

  /** A driver's name: the scenario's, or the device type's own driver. */
  private static String driverName(Scenario s, DriverSpec d) {
    return d.driver() != null ? d.driver() : s.device(d.device()).map(DeviceSpec::type).orElse("");
  }

  private void queueTimeline() {
    IsaDrivers isa = chipset == null ? null : new IsaDrivers(kernel);
    at(0, kernel.descs()::initIrqProc); // do_basic_setup: before every initcall and probe
    if (isa != null) {
      at(0, () -> {
        isa.early();
        // intel_iommu_init (pci_iommu_init, a rootfs_initcall) after acpi_init's SCI.
        if (kernel.intelIommu() != null) {
          kernel.intelIommu().enableFaultHandling();
        }
      });
    }
    List<Binding> registered = new ArrayList<>();
    probeOrder(scenario).forEach(id -> registered.add(bindings.get(id)));
    for (ProbeOrder.Step step : ProbeOrder.steps(registered)) {
      Binding b = step.binding();
      if (step.busStage()) {
        at(0, b::busProbe);
      } else {
        at(0, () -> {
          int warns = kernel.log().warnings();
          try {
            log(0, "probe " + b.id() + ": " + warned(warns, probed(b, b::probe)));
          } catch (KernelException e) {
            log(0, "probe " + b.id() + ": " + failed(e));
          }
          oracle.checkAgreement(kernel);
        });
      }
    }
    if (isa != null) {
      // i8042's and rtc_cmos's initcalls and init opening the serial console come after the PCI
      // drivers' probes, with the clock ticking meanwhile: irqlab runs them at the first tick
      // after boot, behind that tick's timers (old vectors of the probes' moves freed).
      at(0, () -> exec.schedule(Event.of(task, isa::late), Math.max(exec.now(), Kernel.JIFFY_NS)));
    }
    for (TimelineEntry e : scenario.timeline()) {
      long t = e.atNs();
      endOfTimeline = Math.max(endOfTimeline, t);
      if (e.action() instanceof Action.Traffic tr) {
        // Started by the task in timeline order, so that in explore mode traffic never begins
        // before the actions listed before it have finished.
        at(t, () -> startTraffic(tr, t));
        endOfTimeline = Math.max(endOfTimeline, t + tr.forNs());
      } else if (e.action() instanceof Action.Storm st) {
        Binding b = bindings.get(st.device());
        at(t, () -> StuckLine.start(exec, deviceActor(b), b, st, startOf(t)));
        endOfTimeline = Math.max(endOfTimeline, t + st.forNs());
      } else if (e.action() instanceof Action.SpoofMsi sp) {
        at(t, () -> spoofMsi(sp, t));
      } else if (e.action() instanceof Action.Mark mk) {
        at(t, () -> log(t, "mark " + mk.name()));
      } else {
        at(t, () -> perform(e));
      }
    }
    // Periodic driver timers (e1000e's watchdog) stop with the timeline, so that a run ends.
    kernel.setTimerHorizon(endOfTimeline);
  }

  /**
   * spoof-msi: the device itself writes {@code data} to {@code address} with its requester id, a
   * DMA write the kernel never set up; the oracle follows it through the bus.
   */
  private void spoofMsi(Action.SpoofMsi sp, long t) {
    Binding b = bindings.get(sp.device());
    QueueDevice dev = b.device();
    String what = String.format("spoof-msi %s (%s) writes 0x%08x to 0x%x", b.id(), dev.bdf(), sp.data(), sp.address());
    exec.schedule(Event.of(deviceActor(b), () -> {
      exec.point("device dma write");
      oracle.spoofBegin(b.id(), dev.bdf().toString(), dev.requesterId(), sp.address(), sp.data(), kernel);
      bus.memoryWrite(dev.requesterId(), sp.address(), sp.data());
      log(t, what + ": " + oracle.spoofEnd());
    }), exec.now());
  }

  private void at(long t, Runnable r) {
    exec.schedule(Event.of(task, r), t);
  }

  /**
   * Traffic from {@code at} for the entry's duration. In explore mode the clock may run ahead of
   * a task busy with earlier entries (a schedule's choice, not the workload's, and with long
   * probes it would skip whole windows): the traffic then starts when the task gets to it and
   * still lasts its whole duration.
   */
  private void startTraffic(Action.Traffic tr, long at) {
    Binding b = bindings.get(tr.device());
    Actor actor = deviceActor(b);
    List<Integer> queues = tr.allQueues() ? allQueues(b) : tr.queues();
    double meanGap = 1e9 / tr.ratePerSecond();
    long start = startOf(at);
    long end = start + tr.forNs();
    for (int q : queues) {
      SplittableRandom rnd = trafficRandom.split();
      long first = Math.max(exec.now(), start + Math.round(rnd.nextDouble() * meanGap));
      Event gen = new Event(actor) {
        /** When this completion arrives, whenever the device gets to it. */
        long arrival = first;

        @Override
        public void run() {
          b.arrive(q);
          // Arrivals follow one another, not the device: in explore mode a busy device may get to
          // one late, and the workload must not shrink because of that.
          arrival += Math.max(1, Math.round(-Math.log(1 - rnd.nextDouble()) * meanGap));
          if (arrival < end) {
            exec.schedule(this, Math.max(exec.now(), arrival));
          }
        }
      };
      if (first < end) {
        exec.schedule(gen, first);
      }
    }
  }

  /** When a workload entry at {@code at} starts: then, or in explore mode when the task gets to it. */
  private long startOf(long at) {
    return exec.exploring() ? Math.max(at, exec.now()) : at;
  }

  private final Map<String, Actor> deviceActors = new LinkedHashMap<>();

  private Actor deviceActor(Binding b) {
    return deviceActors.computeIfAbsent(b.id(), id -> exec.newActor(id, Actor.Kind.DEVICE, -1));
  }

  private static List<Integer> allQueues(Binding b) {
    List<Integer> l = new ArrayList<>();
    for (int q = 0; q < b.trafficQueues(); q++) {
      l.add(q);
    }
    return l;
  }

  /**
   * A driver's probe (at boot: {@link Binding#probe}, or a {@code bind}: {@link Binding#bind}):
   * what it got, recorded with its outcome for the verdict; a failure is recorded and thrown on.
   */
  private String probed(Binding b, java.util.function.Supplier<String> probe) {
    try {
      String got = probe.get();
      probes.add(new Probe(b.id(), exec.now(), null, null));
      return got;
    } catch (KernelException e) {
      probes.add(new Probe(b.id(), exec.now(), e.errno().name(), e.errno().strerror()));
      throw e;
    }
  }

  /** A probe of {@code device} at {@code timeNs}: {@code errno} null when it succeeded. */
  public record Probe(String device, long timeNs, String errno, String strerror) {}

  /** "FAILED: ENOSPC (No space left on device)". */
  private static String failed(KernelException e) {
    return "FAILED: " + e.errno().name() + " (" + e.errno().strerror() + ")";
  }

  /**
   * An outcome, with the kernel's WARN()s since {@code before} in front: "OK; depth=0" becomes
   * "WARN: Unbalanced enable for IRQ 28; depth=0". The call returned, but the kernel says it was
   * misused, as its log does.
   */
  private String warned(int before, String outcome) {
    List<String> w = kernel.log().warningsSince(before);
    if (w.isEmpty()) {
      return outcome;
    }
    String warn = "WARN: " + String.join("; ", w);
    return outcome.startsWith("OK") ? warn + outcome.substring(2) : warn + "; " + outcome;
  }

  private void perform(TimelineEntry e) {
    long t = e.atNs();
    Action a = e.action();
    String what = describe(a);
    int warns = kernel.log().warnings();
    try {
      log(t, what + ": " + warned(warns, performAction(a)));
    } catch (KernelException ex) {
      log(t, what + ": " + failed(ex));
    } finally {
      freeable.clear();
    }
    oracle.checkAgreement(kernel);
  }

  private String performAction(Action a) {
    if (a instanceof Action.SetAffinity s) {
      int irq = irqOf(s.irq());
      ProcIrq.writeSmpAffinityList(kernel, irq, s.cpus());
      IrqDesc d = kernel.descs().get(irq);
      return "OK; now smp=" + d.affinity().toList() + " eff=" + d.effectiveAffinity().toList()
          + (d.pendingMask().isEmpty() ? "" : " pending=" + d.pendingMask().toList());
    }
    if (a instanceof Action.IrqOp op) {
      Binding b = bindings.get(op.irq().device());
      int irq = irqOf(op.irq());
      switch (op.op()) {
        case DISABLE -> kernel.manage().disableIrq(irq);
        case DISABLE_NOSYNC -> kernel.manage().disableIrqNosync(irq);
        case ENABLE -> kernel.manage().enableIrq(irq);
        case FREE -> b.driver().freeAction(irq);
        case REQUEST -> b.driver().requestAction(irq);
        case MSIX_FREE -> {
          mayFree();
          NicDriver nic = (NicDriver) b.driver();
          nic.freeVector(op.irq().index());
          return "OK; " + nic.vectors() + " vectors";
        }
        default -> throw new IllegalStateException("refused at build time: " + op.op());
      }
      return "OK; depth=" + kernel.descs().get(irq).depth();
    }
    if (a instanceof Action.MsixAlloc ma) {
      Binding b = bindings.get(ma.device());
      long[] unsignalled = oracle.notSignalled(b.device());
      mayFree();
      NicDriver nic = (NicDriver) b.driver();
      int index = nic.allocVector(ma.index() == null ? irqlab.kernel.msi.MsiDescStore.ANY_INDEX : ma.index());
      return "OK; index " + index + " irq " + nic.irq(index) + resizeNote(b, unsignalled);
    }
    if (a instanceof Action.Unbind u) {
      mayFree();
      bindings.get(u.device()).driver().remove();
      return "OK";
    }
    if (a instanceof Action.Bind bd) {
      Binding b = bindings.get(bd.device());
      // drivers/base/dd.c __driver_probe_device (from bind_store): a device that has a driver is
      // -EBUSY and its probe does not run, so no probe outcome is recorded.
      if (b.driver().bound()) {
        throw new KernelException(Errno.EBUSY, bd.device() + " is bound to its driver already");
      }
      return "OK" + probed(b, b::bind);
    }
    if (a instanceof Action.Link l) {
      NetDriver net = (NetDriver) bindings.get(l.device()).driver();
      if (l.up()) {
        net.open();
      } else {
        net.stop();
      }
      return "OK; " + net.ifname() + (net.up() ? " up" : " down");
    }
    if (a instanceof Action.CpuOffline off) {
      boolean changed = kernel.smpBoot().cpuDown(off.cpu());
      return (changed ? "OK" : "OK (already offline)") + "; online=" + kernel.onlineMask().toList();
    }
    if (a instanceof Action.CpuOnline on) {
      boolean changed = kernel.smpBoot().cpuUp(on.cpu());
      return (changed ? "OK" : "OK (already online)") + "; online=" + kernel.onlineMask().toList();
    }
    throw new IllegalStateException("refused at build time: " + a.key());
  }

  /**
   * Names the interrupts an action may free (msix-free, unbind, a vfio resize by re-enable), so
   * that the free watch keeps their counts: results cover the whole run, as /proc/interrupts does
   * not once a descriptor is freed.
   */
  private void mayFree() {
    freeable.clear();
    interruptNames().forEach((name, irq) -> freeable.put(irq, name));
  }

  /** Retires a named interrupt's counts as irq_free_descs frees its descriptor. */
  private final class FreeWatch implements irqlab.kernel.KernelObserver {
    @Override
    public void descFreed(IrqDesc d) {
      String name = freeable.remove(d.irq());
      if (name != null) {
        retired.add(Simulation.stat(name, d, kernel.nrCpus(), true));
      }
    }
  }

  /**
   * What a vfio growth by re-enable cost: how long MSI-X was off and, per queue, the completions
   * the device could not signal meanwhile ({@code before}: the oracle's counts before the action).
   */
  private String resizeNote(Binding b, long[] before) {
    if (!(b.driver() instanceof VfioPciDriver v)) {
      return "";
    }
    VfioPciDriver.Resize r = v.takeResize();
    if (r == null) {
      return "";
    }
    long[] after = oracle.notSignalled(b.device());
    StringBuilder lost = new StringBuilder();
    long total = 0;
    for (int q = 0; q < after.length; q++) {
      long n = after[q] - before[q];
      if (n > 0) {
        lost.append(lost.length() == 0 ? "" : ", ").append("queue ").append(q).append(": ").append(n);
        total += n;
      }
    }
    return "; msix resize " + r.from() + " -> " + r.to() + " vectors by re-enable: MSI-X disabled for "
        + Durations.format(r.disabledNs()) + " (" + Durations.format(r.offAtNs()) + " to "
        + Durations.format(r.onAtNs()) + "), completions in the window are never signalled: "
        + (total == 0 ? "none this time" : total + " (" + lost + ")");
  }

  private String describe(Action a) {
    if (a instanceof Action.SetAffinity s) {
      return "write /proc/irq/" + irqOrDash(s.irq()) + "/smp_affinity_list <- " + s.cpus().toList()
          + " (" + s.irq() + ")";
    }
    if (a instanceof Action.IrqOp op) {
      return op.op().key() + " " + op.irq() + " (irq " + irqOrDash(op.irq()) + ")";
    }
    if (a instanceof Action.Unbind u) {
      return "unbind " + u.device();
    }
    if (a instanceof Action.Bind b) {
      return "bind " + b.device();
    }
    if (a instanceof Action.MsixAlloc ma) {
      return "msix-alloc " + ma.device() + " index " + (ma.index() == null ? "any" : ma.index());
    }
    if (a instanceof Action.CpuOffline off) {
      return "write /sys/devices/system/cpu/cpu" + off.cpu() + "/online <- 0";
    }
    if (a instanceof Action.Link l) {
      return a.key() + " " + l.device();
    }
    if (a instanceof Action.CpuOnline on) {
      return "write /sys/devices/system/cpu/cpu" + on.cpu() + "/online <- 1";
    }
    return a.key();
  }

  private String irqOrDash(IrqName n) {
    try {
      return Integer.toString(irqOf(n));
    } catch (KernelException e) {
      return "-";
    }
  }

  /** The Linux irq number behind a scenario interrupt name; ENOENT when it has none now. */
  public int irqOf(IrqName n) {
    Binding b = bindings.get(n.device());
    if (b == null || b.driver() == null) {
      throw new KernelException(irqlab.kernel.Errno.ENOENT, n + ": no such device or driver");
    }
    return b.driver().irqOf(n.kind(), n.index());
  }

  private void log(long t, String line) {
    String entry = Durations.format(t) + " " + line;
    actionLog.add(entry);
    for (int i = 0; i < actionWatches.size(); i++) {
      actionWatches.get(i).logged(t, entry);
    }
  }

  /** Told of each action-log line as it is written, after the action ran (reports watch this). */
  public interface ActionWatch {
    void logged(long timeNs, String entry);
  }

  private final List<ActionWatch> actionWatches = new ArrayList<>(0);

  /** Adds a passive watcher of the action log; it must not change the machine. */
  public void addActionWatch(ActionWatch w) {
    actionWatches.add(w);
  }

  /** The oracle's checks once nothing is left to run. */
  public void checkQuiescent() {
    oracle.checkQuiescent(kernel, List.copyOf(bindings.values()));
  }

  /**
   * Ends the runtime's threads; the machine runs no more. Run mode keeps a thread only for a task
   * still blocked when a run stops; explore mode one per actor.
   */
  public void close() {
    if (exec instanceof irqlab.sim.run.RunRuntime r) {
      r.close();
    } else if (exec instanceof irqlab.sim.explore.ExploreRuntime e) {
      e.close();
    }
  }

  public Scenario scenario() {
    return scenario;
  }

  public Exec exec() {
    return exec;
  }

  public Kernel kernel() {
    return kernel;
  }

  public Oracle oracle() {
    return oracle;
  }

  public PlatformBus bus() {
    return bus;
  }

  /** The chipset (IO-APIC and INTx routing), or null on a machine without one. */
  public Chipset chipset() {
    return chipset;
  }

  public List<Binding> bindings() {
    return List.copyOf(bindings.values());
  }

  public Binding binding(String id) {
    return bindings.get(id);
  }

  public List<String> actionLog() {
    return List.copyOf(actionLog);
  }

  /** Every probe so far, at boot and by {@code bind}, in order, with its outcome. */
  public List<Probe> probes() {
    return List.copyOf(probes);
  }

  /** Counts of named interrupts freed during the run (msix-free, unbind, re-enable), in the order they went. */
  public List<RunResult.IrqStat> retiredInterrupts() {
    return List.copyOf(retired);
  }

  public long endOfTimeline() {
    return endOfTimeline;
  }

  /** Maps interrupt names to descriptors for views: "nic0/msix/3" -> irq. */
  public Map<String, Integer> interruptNames() {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (Binding b : bindings.values()) {
      b.interruptNames(m);
    }
    return m;
  }

  /** Refuses scenario features this build does not model, pointing at the key. */
  static final class Unsupported {
    private Unsupported() {}

    /** Bad input at {@code keyPath} as the parser reports it: where that key's value is written. */
    private static ScenarioException refuse(Scenario s, String keyPath, String problem) {
      return new ScenarioException(s.locate(keyPath), keyPath, problem);
    }

    static void check(Scenario s) {
      for (String v : s.machine().variants()) {
        if (!Variants.isKnown(v)) {
          StringBuilder known = new StringBuilder();
          for (Variants.Variant k : Variants.KNOWN) {
            known.append(known.length() == 0 ? "" : ", ").append(k.name());
          }
          throw new ScenarioException(s.machine().variantLocs().getOrDefault(v, s.machine().loc()),
              "machine.kernel.variants", "unknown variant '" + v + "'; expected one of: " + known);
        }
      }
      for (int i = 0; i < s.devices().size(); i++) {
        DeviceSpec d = s.devices().get(i);
        DeviceType type = DeviceTypes.get(d.type());
        if (type == null) {
          throw refuse(s, "devices[" + i + "].type",
              "device type '" + d.type() + "' is not modelled by this build; expected one of: " + DeviceTypes.names());
        }
        type.checkDevice(d, s);
      }
      for (DriverSpec d : s.drivers()) {
        DeviceSpec device = s.device(d.device()).orElseThrow();
        DeviceTypes.get(device.type()).checkDriver(d, device, s);
      }
      for (int i = 0; i < s.timeline().size(); i++) {
        TimelineEntry e = s.timeline().get(i);
        Action a = e.action();
        String at = "timeline[" + i + "]." + a.key();
        String dev = a instanceof Action.MsixAlloc ma ? ma.device()
            : a instanceof Action.IrqOp op && op.op() == Action.IrqOp.Op.MSIX_FREE ? op.irq().device()
            : a instanceof Action.Storm st ? st.device()
            : a instanceof Action.Traffic tr ? tr.device()
            : a instanceof Action.Unbind u ? u.device()
            : a instanceof Action.Bind bd ? bd.device() : null;
        String why = dev == null ? null : s.device(dev).map(d -> DeviceTypes.get(d.type()).refusal(a)).orElse(null);
        if (why != null) {
          throw refuse(s, at, why);
        }
        boolean ok = a instanceof Action.Traffic || a instanceof Action.SetAffinity
            || a instanceof Action.Unbind || a instanceof Action.Bind
            || a instanceof Action.IrqOp || a instanceof Action.MsixAlloc
            || a instanceof Action.Storm || a instanceof Action.CpuOffline
            || a instanceof Action.CpuOnline || a instanceof Action.SpoofMsi
            || a instanceof Action.Link || a instanceof Action.Mark;
        if (!ok) {
          throw refuse(s, at,
              "action '" + a.key() + "' is not modelled by this build; expected traffic, storm, set-affinity,"
                  + " disable-irq, disable-irq-nosync, enable-irq, free-irq, request-irq, msix-alloc, msix-free,"
                  + " unbind, bind, cpu-offline, cpu-online, spoof-msi, link-up, link-down or mark");
        }
      }
    }
  }
}
