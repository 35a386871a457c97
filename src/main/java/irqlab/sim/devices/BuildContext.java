package irqlab.sim.devices;

import irqlab.exec.Exec;
import irqlab.hw.PlatformBus;
import irqlab.hw.devices.WorkObserver;
import irqlab.hw.ioapic.Chipset;
import irqlab.hw.pci.PciFunction;
import irqlab.kernel.Kernel;
import irqlab.kernel.pci.PciDev;
import irqlab.scenario.Scenario;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * What device types build with on one machine: the runtime, the platform bus, the booted
 * kernel, the oracle's ears, the action log, and state a type keeps per machine (the
 * accelerators' shared queue memory, the order network interfaces register in).
 */
public final class BuildContext {
  private final Scenario scenario;
  private final Exec exec;
  private final PlatformBus bus;
  private final Kernel kernel;
  private final WorkObserver work;
  private final Verdicts verdicts;
  private final BiConsumer<Long, String> log;
  private final Map<Class<?>, Object> shared = new LinkedHashMap<>();
  private final Chipset chipset;
  private final java.util.function.Function<String, Binding> built;

  public BuildContext(Scenario scenario, Exec exec, PlatformBus bus, Kernel kernel, WorkObserver work,
      Verdicts verdicts, BiConsumer<Long, String> log, Chipset chipset) {
    this(scenario, exec, bus, kernel, work, verdicts, log, chipset, id -> null);
  }

  /** As above; {@code built} finds the bindings built so far (a device's VMD is built before it). */
  public BuildContext(Scenario scenario, Exec exec, PlatformBus bus, Kernel kernel, WorkObserver work,
      Verdicts verdicts, BiConsumer<Long, String> log, Chipset chipset,
      java.util.function.Function<String, Binding> built) {
    this.built = built;
    this.chipset = chipset;
    this.scenario = scenario;
    this.exec = exec;
    this.bus = bus;
    this.kernel = kernel;
    this.work = work;
    this.verdicts = verdicts;
    this.log = log;
  }

  public Scenario scenario() {
    return scenario;
  }

  public Exec exec() {
    return exec;
  }

  public PlatformBus bus() {
    return bus;
  }

  public Kernel kernel() {
    return kernel;
  }

  /**
   * The kernel's struct pci_dev for {@code fn}, found on the bus; on a machine with a chipset the
   * function's INTA# is wired to the interrupt router first, so that it has a pin. A function in
   * a VMD's domain has no route to the chipset: VMD carries MSI and MSI-X only.
   */
  public PciDev pciDev(PciFunction fn) {
    if (chipset != null && fn.bdf().domain() < irqlab.hw.pci.Bdf.FIRST_VMD_DOMAIN) {
      chipset.wire(fn);
    }
    return new PciDev(fn);
  }

  /** The binding of device {@code id} if it is built already, else null. */
  public Binding binding(String id) {
    return built.apply(id);
  }

  /** The oracle's view of device work. */
  public WorkObserver work() {
    return work;
  }

  public Verdicts verdicts() {
    return verdicts;
  }

  /** Adds a line to the machine's action log at virtual time {@code t}. */
  public void log(long t, String line) {
    log.accept(t, line);
  }

  /** The machine's one instance of {@code type}, made by {@code make} on first use. */
  public <T> T shared(Class<T> type, Supplier<T> make) {
    return type.cast(shared.computeIfAbsent(type, c -> make.get()));
  }
}
